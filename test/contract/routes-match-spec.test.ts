/**
 * The spec, the server and the contract suite describe the same set of operations: no spec operation
 * without a route, no route without a spec operation, no operation without a contract test.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createApp, createMemoryBlobStore, openDatabase } from '@computeplane/server';
import { specValidator } from './harness.js';

const toHonoPath = (path: string) => path.replace(/\{([^}]+)\}/g, ':$1');

describe('spec and server agree', () => {
  it('every spec operation has a route and every API route is in a spec', async () => {
    const database = await openDatabase({});
    try {
      const { app, close } = createApp({ database, blobs: createMemoryBlobStore(), internalToken: 't' });
      await close();
      const served = new Set(
        app.routes.filter((route) => route.method !== 'ALL').map((route) => `${route.method} ${route.path}`),
      );
      const specified = new Set(
        (await specValidator()).operations.map((op) => `${op.method.toUpperCase()} ${toHonoPath(op.path)}`),
      );
      expect(
        [...specified].filter((route) => !served.has(route)),
        'spec operations the server lacks',
      ).toEqual([]);
      expect(
        [...served].filter((route) => !specified.has(route)),
        'server routes the spec lacks',
      ).toEqual([]);
    } finally {
      await database.close();
    }
  });

  it('every spec operation is exercised by a contract test', async () => {
    const dir = fileURLToPath(new URL('.', import.meta.url));
    const sources = readdirSync(dir)
      .filter((file) => file.endsWith('.contract.test.ts'))
      .map((file) => readFileSync(`${dir}/${file}`, 'utf8'))
      .join('\n');
    const tested = new Set([...sources.matchAll(/conform\(\s*'([A-Za-z]+)'/g)].map((match) => match[1]));
    const missing = (await specValidator()).operations.map((op) => op.operationId).filter((id) => !tested.has(id));
    expect(missing, 'operations without a successful-path contract test').toEqual([]);
  });
});
