/** The model repository on every driver: newest first, pages with a total, format filter, tenant isolation. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDrivers, type TestDatabase } from '@computeplane/test-support/databases';
import { createTenant } from '../../platform/auth/tenants.js';
import type { Database } from '../../platform/db/database.js';
import { modelRepository } from './model-repository.js';

const newModel = (tenantId: string, id: string, uploadedAt: Date, format: 'onnx' | 'torchscript' = 'onnx') => ({
  id,
  tenantId,
  name: id,
  format,
  size: 10,
  checksum: `sha256:${id.padEnd(64, '0').slice(0, 64)}`,
  inputs: [],
  outputs: [],
  uploadedAt,
  updatedAt: uploadedAt,
});

describe.each(testDrivers)('model repository on $name', (driver) => {
  let handle: TestDatabase;
  let database: Database;
  beforeAll(async () => {
    handle = await driver.create();
    database = handle.database;
  });
  afterAll(() => handle?.dispose());

  it('lists models newest first, paginates with a total, filters, and isolates tenants', async () => {
    const a = await createTenant(database.db, 'a');
    const b = await createTenant(database.db, 'b');
    const repository = modelRepository(database.db);
    const base = Date.parse('2026-01-01T00:00:00Z');
    for (let i = 0; i < 5; i++)
      await repository.insert(
        newModel(a.id, `model_a${i}xx`, new Date(base + i * 1000), i === 4 ? 'torchscript' : 'onnx'),
      );
    await repository.insert(newModel(b.id, 'model_b0xx', new Date(base)));
    const first = await repository.list(a.id, { limit: 2, offset: 0 });
    expect(first.total).toBe(5);
    expect(first.rows.map((row) => row.id)).toEqual(['model_a4xx', 'model_a3xx']);
    const last = await repository.list(a.id, { limit: 2, offset: 4 });
    expect(last.rows.map((row) => row.id)).toEqual(['model_a0xx']);
    expect(
      (await repository.list(a.id, { limit: 10, offset: 0, format: 'torchscript' })).rows.map((r) => r.id),
    ).toEqual(['model_a4xx']);
    expect(await repository.get(b.id, 'model_a0xx')).toBeUndefined();
    expect(await repository.update(b.id, 'model_a0xx', { labels: ['x'] }, new Date())).toBeUndefined();
    expect(await repository.delete(b.id, 'model_a0xx')).toBeUndefined();
    const updated = await repository.update(
      a.id,
      'model_a0xx',
      { labels: ['x'], inputSchema: { type: 'array' } },
      new Date(base + 9000),
    );
    expect(updated).toMatchObject({ labels: ['x'], inputSchema: { type: 'array' }, updatedAt: new Date(base + 9000) });
    expect(await repository.countByChecksum(updated!.checksum)).toBe(1);
    expect(await repository.delete(a.id, 'model_a0xx')).toMatchObject({ id: 'model_a0xx' });
    expect(await repository.countByChecksum(updated!.checksum)).toBe(0);
  });

  it("counts every tenant's models", async () => {
    const before = await modelRepository(database.db).countAll();
    const c = await createTenant(database.db, 'c');
    await modelRepository(database.db).insert(newModel(c.id, 'model_c0xx', new Date()));
    expect(await modelRepository(database.db).countAll()).toBe(before + 1);
  });
});
