/**
 * One instance's workload on the container layer: its files under `<dir>/runs/<id>/` (app.log, runc.log,
 * events.log, the exit file, the writable layer in a size-limited file system), its container `cpi-<id>`
 * run supervised over the image's unpacked root, and what is read back from it: the exit (code, message,
 * OOM), the runtime's state, the cgroup's counters.
 */
import { existsSync } from 'node:fs';
import { appendFile, mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { imageOverlay, type ContainerDriver, type ContainerMount } from '../../../platform/containers/index.js';
import { describeExit, runtimeErrorOf, type ExitStatus } from './exit-status.js';
import { mountLoopFs, removeLoopFs, unmountLoopFs } from './loop-fs.js';

export interface LaunchInput {
  id: string;
  rootfs: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
  hostname: string;
  cpus: number;
  memoryBytes: number;
  layerBytes: number;
  mounts: ContainerMount[];
  devices: string[];
  netns?: string;
  diskBytesPerSecond?: number;
}

export function createInstanceRuntime(driver: ContainerDriver, dir: string) {
  const containerId = (id: string) => `cpi-${id}`;
  const runDir = (id: string) => join(dir, 'runs', id);
  const files = (id: string) => ({
    app: join(runDir(id), 'app.log'),
    runtime: join(runDir(id), 'runc.log'),
    events: join(runDir(id), 'events.log'),
    exit: join(runDir(id), 'exit-status'),
    layerImage: join(runDir(id), 'layer.img'),
    layer: join(runDir(id), 'layer'),
  });

  /** The block device holding the layer (for blkio limits): the loop device's `major:minor`. */
  async function layerDevice(id: string): Promise<string | undefined> {
    const info = await readFile('/proc/self/mountinfo', 'utf8').catch(() => '');
    const line = info.split('\n').find((l) => l.split(' ')[4] === files(id).layer);
    return line?.split(' ')[2];
  }

  return {
    containerId,
    files,
    async event(id: string, message: string) {
      await mkdir(runDir(id), { recursive: true });
      await appendFile(files(id).events, `${new Date().toISOString()} ${message}\n`);
    },
    async launch(input: LaunchInput): Promise<void> {
      const f = files(input.id);
      await mkdir(runDir(input.id), { recursive: true });
      await rm(f.exit, { force: true });
      await rm(f.runtime, { force: true });
      await mountLoopFs(f.layerImage, f.layer, input.layerBytes);
      const device = input.diskBytesPerSecond ? await layerDevice(input.id) : undefined;
      await driver.runSupervised(
        {
          id: containerId(input.id),
          rootfs: imageOverlay(input.rootfs, f.layer),
          mounts: input.mounts,
          env: input.env,
          cwd: input.cwd,
          hostname: input.hostname,
          limits: { cpus: input.cpus, memoryBytes: input.memoryBytes, pids: 4096 },
          user: null,
          devices: input.devices,
          init: input.args,
          ...(input.netns ? { netns: input.netns } : {}),
          ...(device && input.diskBytesPerSecond
            ? { blockIo: [{ device, bytesPerSecond: input.diskBytesPerSecond }] }
            : {}),
        },
        { logPath: f.app, exitPath: f.exit, runtimeLogPath: f.runtime },
      );
    },
    hasExited: (id: string) => existsSync(files(id).exit),
    /** The exit, once the shim wrote it: status, runc's error, the OOM count of the kept cgroup. */
    async readExit(id: string): Promise<ExitStatus | null> {
      const f = files(id);
      const text = await readFile(f.exit, 'utf8').catch(() => null);
      if (text === null) return null;
      const status = Number(text.trim());
      const oomKills = async () =>
        /oom_kill [1-9]/.test(
          await readFile(join(driver.cgroupDir(containerId(id), 'memory'), 'memory.oom_control'), 'utf8').catch(
            () => '',
          ),
        );
      let oomKilled = await oomKills();
      // The kernel sends an OOM victim its SIGKILL before it counts the kill in the cgroup, so a victim that
      // exits at once can be read in between: a SIGKILL (137) without a count is read again for a moment.
      for (let i = 0; !oomKilled && status === 128 + 9 && i < 5; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        oomKilled = await oomKills();
      }
      return describeExit(status, runtimeErrorOf(await readFile(f.runtime, 'utf8').catch(() => '')), oomKilled);
    },
    /** created | running | paused | stopped as runc reports it, or null when there is no container. */
    async status(id: string): Promise<string | null> {
      const found = (await driver.list()).find((c) => c.id === containerId(id));
      return found?.status ?? null;
    },
    signal: (id: string, signal: string) => driver.kill(containerId(id), signal),
    pause: (id: string) => driver.pause(containerId(id)),
    resume: (id: string) => driver.resume(containerId(id)),
    checkpoint: (id: string) => driver.checkpoint(containerId(id), join(runDir(id), 'checkpoint')),
    /** Removes the container (its root unmounted); the writable layer stays for the next start. */
    async removeContainer(id: string) {
      await driver.destroy(containerId(id));
      await unmountLoopFs(files(id).layer);
    },
    /** Removes everything of the instance. */
    async purge(id: string) {
      await driver.destroy(containerId(id));
      await removeLoopFs(files(id).layerImage, files(id).layer);
      await rm(runDir(id), { recursive: true, force: true });
    },
    async cgroupNumber(id: string, controller: string, file: string): Promise<number> {
      const text = await readFile(join(driver.cgroupDir(containerId(id), controller), file), 'utf8').catch(() => '0');
      return Number(text.trim()) || 0;
    },
  };
}

export type InstanceRuntime = ReturnType<typeof createInstanceRuntime>;
