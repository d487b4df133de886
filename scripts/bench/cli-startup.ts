/**
 * `npm run bench:cli`: CPU time (user + system) of one `computeplane` process, measured by bash's `times`
 * over CLI_RUNS runs (default 10), against baselines measured in the same run: a bare `node -e 0`, and a
 * node that only imports the SDK core, and `--version` of tsc's unbundled output (dist/main.js, a module per
 * source file) beside the shipped bundle (dist/computeplane.js, scripts/cli/bundle-cli.ts). The commands:
 * `--version` (the command tree is built), `--help`, and `models list --json` against a real server
 * (started here; its own CPU is not counted: bash only times its children). Prints ms per process and each
 * ratio to bare node. Run `npm run build` first.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { testDrivers } from '@computeplane/test-support/databases';
import { cliScript } from '@computeplane/test-support/cli-process';
import { startTestServer } from '@computeplane/test-support/test-server';

const runs = Number(process.env.CLI_RUNS ?? 10);
const exec = promisify(execFile);

/** CPU ms per run of `command` (a shell word list), from the children line of bash's `times`. */
async function cpuMsPerRun(command: string, env: NodeJS.ProcessEnv): Promise<number> {
  const script = `for ((i = 0; i < ${runs}; i++)); do ${command} > /dev/null || exit 1; done; times`;
  const { stdout } = await exec('bash', ['-c', script], { env });
  const children = stdout.trim().split('\n')[1]!;
  const seconds = [...children.matchAll(/(\d+)m([\d.]+)s/g)].reduce(
    (sum, [, m, s]) => sum + Number(m) * 60 + Number(s),
    0,
  );
  return (seconds * 1000) / runs;
}

const home = await mkdtemp(join(tmpdir(), 'cp-bench-cli-'));
const handle = await testDrivers.find((driver) => driver.name === 'pglite')!.create();
const server = await startTestServer(handle.database);
const env = {
  PATH: process.env.PATH,
  HOME: home,
  COMPUTEPLANE_BASE_URL: server.baseUrl,
  COMPUTEPLANE_API_KEY: server.keyA,
};
const node = JSON.stringify(process.execPath);
const cli = `${node} ${JSON.stringify(cliScript)}`;
const sdkOnly = `${node} --input-type=module -e "await import('@computeplane/sdk')"`;

try {
  const cases: [string, string][] = [
    ['node -e 0 (baseline)', `${node} -e 0`],
    ['node importing @computeplane/sdk', `cd ${JSON.stringify(join(cliScript, '..', '..'))} && ${sdkOnly}`],
    ['--version, unbundled dist/main.js', `${node} ${JSON.stringify(join(cliScript, '..', 'main.js'))} --version`],
    ['computeplane --version', `${cli} --version`],
    ['computeplane --help', `${cli} --help`],
    ['computeplane models list --json', `${cli} models list --json`],
  ];
  const results: [string, number][] = [];
  for (const [name, command] of cases) results.push([name, await cpuMsPerRun(command, env)]);
  const baseline = results[0]![1];
  console.log(`CPU time per process, ${runs} runs each (user + system, from bash's times):`);
  for (const [name, ms] of results)
    console.log(`  ${name.padEnd(36)} ${ms.toFixed(1).padStart(7)} ms   ${(ms / baseline).toFixed(2)}x bare node`);
} finally {
  await server.close();
  await handle.dispose();
  await rm(home, { recursive: true, force: true });
}
