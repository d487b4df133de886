/**
 * Pulled images on disk, one copy per content digest: skopeo copies a reference into one OCI layout
 * (`<dir>/layout`, tagged by digest), umoci unpacks it once to `<dir>/unpacked/<digest hex>/rootfs`, and
 * the image's config (entrypoint, cmd, env, working dir) is read from the layout. Two names with the same
 * digest share that copy.
 */
import { existsSync } from 'node:fs';
import { chmod, mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { runTool } from './run-tool.js';

export interface ImageConfig {
  entrypoint?: string[];
  cmd?: string[];
  env?: string[];
  workingDir?: string;
}

export interface PulledImage {
  digest: string;
  sizeBytes: number;
  config: ImageConfig;
}

const PULL_TIMEOUT_MS = 10 * 60_000;

export function createImageStore(dir: string) {
  const layout = join(dir, 'layout');
  const hex = (digest: string) => digest.replace(/^sha256:/, '');
  const rootfsOf = (digest: string) => join(dir, 'unpacked', hex(digest), 'rootfs');
  const ensure = async () => {
    await mkdir(join(dir, 'unpacked'), { recursive: true });
    if (!existsSync(join(layout, 'oci-layout'))) await runTool('umoci', ['init', '--layout', layout]);
  };
  return {
    rootfsOf,
    /** The manifest digest and size of what `source` names, without copying it. */
    async inspect(source: string): Promise<{ digest: string; sizeBytes: number }> {
      const info = JSON.parse(
        await runTool('skopeo', ['inspect', '--no-tags', source], { timeoutMs: PULL_TIMEOUT_MS }),
      ) as {
        Digest: string;
      };
      // The manifest lists every layer's compressed size (skopeo's LayersData is empty for local layouts).
      const manifest = JSON.parse(
        await runTool('skopeo', ['inspect', '--raw', source], { timeoutMs: PULL_TIMEOUT_MS }),
      ) as {
        layers?: { size?: number }[];
      };
      const sizeBytes = (manifest.layers ?? []).reduce((sum, layer) => sum + (layer.size ?? 0), 0);
      return { digest: info.Digest, sizeBytes };
    },
    /** Copies and unpacks `source` unless its digest is here already; `onStage` hears `converting`. */
    async pull(source: string, digest: string, onStage: (stage: 'converting') => Promise<void>): Promise<ImageConfig> {
      await ensure();
      const tag = hex(digest);
      if (!existsSync(rootfsOf(digest))) {
        await runTool('skopeo', ['copy', '--quiet', source, `oci:${layout}:${tag}`], { timeoutMs: PULL_TIMEOUT_MS });
        await onStage('converting');
        const staging = join(dir, 'unpacked', `${tag}.partial`);
        await rm(staging, { recursive: true, force: true });
        await runTool('umoci', ['unpack', '--image', `${layout}:${tag}`, staging], { timeoutMs: PULL_TIMEOUT_MS });
        await chmod(staging, 0o755);
        await rename(staging, join(dir, 'unpacked', tag));
      }
      return this.config(digest);
    },
    async config(digest: string): Promise<ImageConfig> {
      const raw = JSON.parse(await runTool('skopeo', ['inspect', '--config', `oci:${layout}:${hex(digest)}`])) as {
        config?: { Entrypoint?: string[] | null; Cmd?: string[] | null; Env?: string[] | null; WorkingDir?: string };
      };
      const c = raw.config ?? {};
      return {
        ...(c.Entrypoint ? { entrypoint: c.Entrypoint } : {}),
        ...(c.Cmd ? { cmd: c.Cmd } : {}),
        ...(c.Env ? { env: c.Env } : {}),
        ...(c.WorkingDir ? { workingDir: c.WorkingDir } : {}),
      };
    },
    /** Removes the unpacked copy and the layout's tag of a digest no image names any more. */
    async remove(digest: string): Promise<void> {
      await rm(join(dir, 'unpacked', hex(digest)), { recursive: true, force: true });
      await runTool('umoci', ['rm', '--image', `${layout}:${hex(digest)}`]).catch(() => undefined);
      await runTool('umoci', ['gc', '--layout', layout]).catch(() => undefined);
    },
  };
}

export type ImageStore = ReturnType<typeof createImageStore>;
