/**
 * The container layer's contract: what a platform user (the local GPU provider now, the instances area
 * next) asks of a container runtime. A driver creates a container from a `ContainerSpec`, runs commands in
 * it with piped stdio and an exit code, lists, kills and destroys its containers, and sweeps the ones an
 * earlier process of this node left behind. Drivers live in `drivers/<name>/` (runc today).
 */
import type { ChildProcess } from 'node:child_process';
import type { ContainerMount, RootfsSource } from './rootfs.js';

export type { ContainerMount };

export interface ContainerLimits {
  /** CPU time as a number of cores (fractions allowed), enforced with a CFS quota. */
  cpus: number;
  memoryBytes: number;
  /** Processes and threads at most. */
  pids: number;
}

/** Container root is this host uid (and `size` ids from it); null: no user namespace. */
export interface UserMapping {
  hostId: number;
  size: number;
}

export interface ContainerSpec {
  /** Unique among this driver's containers; a node's prefix makes its containers sweepable. */
  id: string;
  rootfs: RootfsSource;
  /** Writable or read-only host paths inside the container (the instance's volume). */
  mounts: ContainerMount[];
  env: Record<string, string>;
  cwd: string;
  hostname: string;
  limits: ContainerLimits;
  user: UserMapping | null;
  /** Host character devices the container may use (e.g. `/dev/nvidia0`), shown at the same path. */
  devices: string[];
  /** The container's first process (PID 1), which lives as long as the container. */
  init: string[];
  /** A network namespace to join (`/var/run/netns/<name>`) instead of a new, empty one. */
  netns?: string;
  /** Extra cgroup limits: block I/O bytes per second, read and write, on these devices (`major:minor`). */
  blockIo?: { device: string; bytesPerSecond: number }[];
}

/** Where a supervised workload's output and exit status go (files on the host). */
export interface SupervisedIo {
  /** The workload's stdout and stderr, appended. */
  logPath: string;
  /** The exit status, written by the shim when the workload ends (128+N when killed by signal N). */
  exitPath: string;
  /** The runtime's own messages (runc's JSON log). */
  runtimeLogPath: string;
}

export interface ExecOptions {
  env?: Record<string, string>;
  cwd?: string;
  /** Stdio of the process: piped (default) or ignored (a background command such as a start command). */
  stdio?: 'pipe' | 'ignore';
}

export interface ContainerInfo {
  id: string;
  /** As the runtime reports it: created, running, paused, stopped. */
  status: string;
  /** The init process's host pid (0 when it is gone). */
  pid: number;
}

/** What a container's cgroup counts now. */
export interface ContainerStats {
  /** CPU time of every process of the container since it started, in nanoseconds. */
  cpuNanos: number;
  /** Processes (and threads) in it now, its init included. */
  pids: number;
}

export interface ContainerDriver {
  readonly name: string;
  /** Creates and starts the container; its init runs when this resolves. */
  create(spec: ContainerSpec): Promise<void>;
  /**
   * Runs `args` inside the container. The returned process is the runtime's client on the host: its stdio
   * is the command's, its exit code the command's.
   */
  exec(id: string, args: string[], options?: ExecOptions): ChildProcess;
  list(): Promise<ContainerInfo[]>;
  /** Its cgroup's CPU time and process count; undefined when the container does not exist. */
  stats(id: string): Promise<ContainerStats | undefined>;
  /**
   * Creates the container and runs its init as a workload under a small shim that outlives this process:
   * output to `io.logPath`, exit status to `io.exitPath`; the container is kept after its exit (its cgroup
   * still readable, e.g. for the OOM count) until `destroy`. Resolves once the runtime started it or
   * it has already ended.
   */
  runSupervised(spec: ContainerSpec, io: SupervisedIo): Promise<void>;
  /** Freezes every process of the container (cgroup freezer), and thaws them. */
  pause(id: string): Promise<void>;
  resume(id: string): Promise<void>;
  /** Checkpoints the container to `dir` with CRIU; its processes end. */
  checkpoint(id: string, dir: string): Promise<void>;
  /** The container's cgroup directory for a cgroup v1 controller (`memory`, `cpuacct`, `pids`). */
  cgroupDir(id: string, controller: string): string;
  /** Sends a signal to every process of the container. */
  kill(id: string, signal?: string): Promise<void>;
  /** Ends every process and removes the container and its bundle; idempotent. */
  destroy(id: string): Promise<void>;
  /** Destroys every container whose id starts with `prefix` (left by a killed process); returns their ids. */
  sweep(prefix: string): Promise<string[]>;
}
