/**
 * CLI test harness: a real server (PostgreSQL) for the enclosing describe block, a throw-away HOME, and
 * `cli(...)`, which runs the built binary against that server as tenant A. `conformJson` checks that a
 * `--json` output is a response body the spec declares for the operation.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { testDrivers, type TestDatabase } from '@computeplane/test-support/databases';
import { runCli, runCliInPty, startCli, type CliOptions, type CliResult } from '@computeplane/test-support/cli-process';
import { startTestServer, type TestServer } from '@computeplane/test-support/test-server';
import { loadSpecValidator, type SpecValidator } from '@computeplane/test-support/spec-validator';

const postgres = testDrivers.find((driver) => driver.name === 'postgres')!;

let validator: Promise<SpecValidator> | undefined;

export interface CliSuite {
  server: TestServer;
  /** The server's database (a second server on it is a replica). */
  db: TestDatabase;
  home: string;
  /** Runs `computeplane <args>` against the suite's server as tenant A (flags and env may override). */
  cli(args: string[], options?: Partial<CliOptions>): Promise<CliResult>;
  /** The same, started: for Ctrl-C and follow tests. */
  start(args: string[], options?: Partial<CliOptions>): ReturnType<typeof startCli>;
  /** The same, under a pseudo-terminal. */
  pty(args: string[], options?: Partial<Parameters<typeof runCliInPty>[1]>): ReturnType<typeof runCliInPty>;
}

export function cliSuite(options: Parameters<typeof startTestServer>[1] = {}): CliSuite {
  const state = {} as { db: TestDatabase; server: TestServer; home: string };
  beforeAll(async () => {
    state.home = await mkdtemp(join(tmpdir(), 'cp-cli-home-'));
    state.db = await postgres.create();
    state.server = await startTestServer(state.db.database, options);
  });
  afterAll(async () => {
    await state.server?.close();
    await state.db?.dispose();
    if (state.home) await rm(state.home, { recursive: true, force: true });
  });
  const merge = (extra: Partial<CliOptions> = {}): CliOptions => ({
    ...extra,
    home: extra.home ?? state.home,
    env: {
      COMPUTEPLANE_BASE_URL: state.server.baseUrl,
      COMPUTEPLANE_API_KEY: state.server.keyA,
      ...extra.env,
    },
  });
  return {
    get server() {
      return state.server;
    },
    get db() {
      return state.db;
    },
    get home() {
      return state.home;
    },
    cli: (args, extra) => runCli(args, merge(extra)),
    start: (args, extra) => startCli(args, merge(extra)),
    pty: (args, extra) => runCliInPty(args, merge(extra)),
  };
}

/** Parses a `--json` stdout and asserts it is a 2xx JSON body of `operationId` as the spec declares it. */
export async function conformJson<T = Record<string, unknown>>(operationId: string, result: CliResult): Promise<T> {
  expect(result.code, `exit code; stderr: ${result.stderr}`).toBe(0);
  const body = JSON.parse(result.stdout) as T;
  const spec = await (validator ??= loadSpecValidator());
  const op = spec.operation(operationId);
  const statuses = Object.keys(op.responses).filter((status) => /^2/.test(status));
  const failures: string[] = [];
  for (const status of statuses) {
    try {
      spec.check(operationId, { status: Number(status), contentType: 'application/json', body });
      return body;
    } catch (error) {
      failures.push((error as Error).message);
    }
  }
  throw new Error(`--json output of ${operationId} matches no 2xx response:\n${failures.join('\n')}`);
}

/** Asserts an API failure: exit 1, one line on stderr naming the code and the request id. */
export function expectApiError(result: CliResult, code: string): void {
  expect(result.code, `stdout: ${result.stdout}\nstderr: ${result.stderr}`).toBe(1);
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^computeplane: ${code}: .+ \\(request req_[A-Za-z0-9_-]+\\)`));
}

/** Asserts a usage error: exit 2 and a message on stderr, nothing on stdout. */
export function expectUsageError(result: CliResult, message: RegExp): void {
  expect(result.code, `stderr: ${result.stderr}`).toBe(2);
  expect(result.stdout).toBe('');
  expect(result.stderr).toMatch(message);
}

const ESC = String.fromCharCode(27);
/** An ANSI colour or style sequence (SGR), as picocolors writes them. */
export const ansiStyle = new RegExp(`${ESC}\\[[0-9;]*m`);
