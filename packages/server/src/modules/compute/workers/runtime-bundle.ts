/**
 * The worker runtime as this server copies it to a node, so the node needs no package registry: the
 * workspace packages (`@computeplane/worker` and the workspace packages it depends on) packed with
 * `npm pack` and unpacked under `node_modules/`, beside the third-party packages they depend on,
 * copied from this server's own node_modules (the same versions it runs; ONNX Runtime's binaries for
 * this platform only). Made once per process into `<dataDir>/worker-runtime/`, then sent as a tar stream.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, symlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { promisify } from 'node:util';

const run = promisify(execFile);
const WORKSPACE_SCOPE = '@computeplane/';

/** The directory of package `name` as Node resolves it from `fromDir`. */
function packageDir(name: string, fromDir: string): string {
  let dir = fromDir;
  for (;;) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`the worker runtime's dependency ${name} is not installed here`);
    dir = parent;
  }
}

const dependenciesOf = (dir: string): string[] =>
  Object.keys(
    (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { dependencies?: object }).dependencies ?? {},
  );

/**
 * The packages to ship: workspace packages (by their source directory) and third-party packages (by the
 * directory Node resolves them to; one nested under another package comes with that package).
 */
export function runtimeClosure(workerDir: string): { workspace: string[]; thirdParty: Map<string, string> } {
  const workspace: string[] = [workerDir];
  const thirdParty = new Map<string, string>();
  const queue: string[] = [workerDir];
  const seen = new Set<string>([workerDir]);
  while (queue.length > 0) {
    const dir = queue.shift()!;
    for (const name of dependenciesOf(dir)) {
      const resolved = packageDir(name, dir);
      const real = realpathSync(resolved);
      if (seen.has(real)) continue;
      seen.add(real);
      queue.push(real);
      if (name.startsWith(WORKSPACE_SCOPE)) workspace.push(real);
      // A package nested in another's node_modules comes with that package; the others go to the top level.
      else if (!resolved.slice(0, -`/node_modules/${name}`.length).includes('/node_modules/') && !thirdParty.has(name))
        thirdParty.set(name, resolved);
    }
  }
  return { workspace, thirdParty };
}

export function createRuntimeBundle(options: { workerDir: string; dataDir: string }) {
  let built: Promise<string> | undefined;

  async function build(): Promise<string> {
    const target = join(options.dataDir, 'worker-runtime');
    await rm(target, { recursive: true, force: true });
    const modules = join(target, 'node_modules');
    await mkdir(join(modules, '@computeplane'), { recursive: true });
    const { workspace, thirdParty } = runtimeClosure(options.workerDir);
    const packs = await mkdtemp(join(options.dataDir, 'packs-'));
    try {
      for (const dir of workspace) {
        if (!existsSync(join(dir, 'dist')))
          throw new Error(`${dir} is not built (run npm run build): the worker runtime is shipped compiled`);
        const { stdout } = await run('npm', ['pack', '--silent', '--pack-destination', packs], { cwd: dir });
        const tarball = join(packs, stdout.trim().split('\n').pop()!);
        const name = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string }).name;
        const into = join(modules, name);
        await mkdir(into, { recursive: true });
        await run('tar', ['-xzf', tarball, '-C', into, '--strip-components=1']);
      }
    } finally {
      await rm(packs, { recursive: true, force: true });
    }
    for (const [name, dir] of thirdParty) {
      const link = join(modules, name);
      await mkdir(dirname(link), { recursive: true });
      if (!existsSync(link)) await symlink(dir, link);
    }
    return target;
  }

  return {
    /** The bundle's directory (built on first use). */
    directory(): Promise<string> {
      built ??= build().catch((error: unknown) => {
        built = undefined;
        throw error;
      });
      return built;
    },
    /** The bundle as an uncompressed tar stream (links followed; other platforms' ONNX Runtime binaries left out). */
    async tarStream(): Promise<Readable> {
      const dir = await this.directory();
      const platforms = await readdir(join(dir, 'node_modules/onnxruntime-node/bin/napi-v6')).catch(
        () => [] as string[],
      );
      const excludes = platforms
        .filter((platform) => platform !== process.platform)
        .map((platform) => `--exclude=./node_modules/onnxruntime-node/bin/napi-v6/${platform}`);
      const tar = spawn('tar', ['-chf', '-', ...excludes, '-C', dir, '.'], { stdio: ['ignore', 'pipe', 'ignore'] });
      return tar.stdout;
    },
  };
}

export type RuntimeBundle = ReturnType<typeof createRuntimeBundle>;
