/**
 * The OCI runtime config (config.json) of a container: runc's default hardening (its own PID, mount, UTS,
 * IPC and network namespaces, masked and read-only /proc paths, a small capability set, no_new_privs) plus a
 * read-only root, private writable /tmp and home, cgroup limits and, where given, a user namespace. The
 * network namespace is new and empty: runc brings up its loopback only, so nothing on the host's
 * interfaces (the server's sockets included) is reachable.
 */
import { statSync } from 'node:fs';
import type { ContainerSpec } from './container-driver.js';
import type { PreparedRootfs } from './rootfs.js';

/** Docker's default capabilities less NET_RAW, MKNOD and SETFCAP; in a user namespace they reach only mapped files. */
const CAPABILITIES = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_FOWNER',
  'CAP_FSETID',
  'CAP_KILL',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETPCAP',
  'CAP_NET_BIND_SERVICE',
  'CAP_SYS_CHROOT',
  'CAP_AUDIT_WRITE',
];
/** As `runc spec` writes them. */
const MASKED_PATHS = [
  '/proc/acpi',
  '/proc/asound',
  '/proc/kcore',
  '/proc/keys',
  '/proc/latency_stats',
  '/proc/timer_list',
  '/proc/timer_stats',
  '/proc/sched_debug',
  '/proc/scsi',
  '/sys/firmware',
];
const READONLY_PATHS = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];
const CFS_PERIOD_US = 100_000;

function device(path: string) {
  const rdev = statSync(path).rdev;
  const major = (rdev >> 8) & 0xfff;
  const minor = (rdev & 0xff) | ((rdev >> 12) & 0xfff00);
  return { path, type: 'c', major, minor, fileMode: 0o666, uid: 0, gid: 0 };
}

function blockIo(limits: NonNullable<ContainerSpec['blockIo']>) {
  const devices = limits.map(({ device, bytesPerSecond }) => {
    const [major, minor] = device.split(':').map(Number);
    return { major: major!, minor: minor!, rate: bytesPerSecond };
  });
  return { throttleReadBpsDevice: devices, throttleWriteBpsDevice: devices };
}

export function ociConfig(spec: ContainerSpec, rootfs: PreparedRootfs) {
  const devices = spec.devices.map(device);
  const tmpfs = (destination: string, options: string[]) => ({ destination, type: 'tmpfs', source: 'tmpfs', options });
  const memory = `size=${Math.max(1, Math.floor(spec.limits.memoryBytes / 1024 / 1024 / 4))}m`;
  const binds = [...rootfs.mounts, ...spec.mounts].map((mount) => ({
    destination: mount.destination,
    type: 'bind',
    source: mount.source,
    options: ['rbind', 'nosuid', 'nodev', mount.readonly ? 'ro' : 'rw'],
  }));
  return {
    ociVersion: '1.0.2',
    process: {
      terminal: false,
      user: { uid: 0, gid: 0 },
      args: spec.init,
      env: Object.entries(spec.env).map(([key, value]) => `${key}=${value}`),
      cwd: spec.cwd,
      capabilities: Object.fromEntries(['bounding', 'effective', 'permitted'].map((set) => [set, CAPABILITIES])),
      rlimits: [{ type: 'RLIMIT_NOFILE', hard: 4096, soft: 4096 }],
      noNewPrivileges: true,
    },
    root: { path: rootfs.path, readonly: !rootfs.writable },
    hostname: spec.hostname,
    mounts: [
      { destination: '/proc', type: 'proc', source: 'proc' },
      tmpfs('/dev', ['nosuid', 'strictatime', 'mode=755', 'size=65536k']),
      {
        destination: '/dev/pts',
        type: 'devpts',
        source: 'devpts',
        options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620'],
      },
      tmpfs('/dev/shm', ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k']),
      { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
      { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
      tmpfs('/tmp', ['nosuid', 'nodev', 'mode=1777', memory]),
      tmpfs('/root', ['nosuid', 'nodev', 'mode=700', memory]),
      ...binds,
    ],
    linux: {
      namespaces: ['pid', 'network', 'ipc', 'uts', 'mount', ...(spec.user ? ['user'] : [])].map((type) =>
        type === 'network' && spec.netns ? { type, path: spec.netns } : { type },
      ),
      ...(spec.user
        ? {
            uidMappings: [{ containerID: 0, hostID: spec.user.hostId, size: spec.user.size }],
            gidMappings: [{ containerID: 0, hostID: spec.user.hostId, size: spec.user.size }],
          }
        : {}),
      devices,
      cgroupsPath: `/computeplane/${spec.id}`,
      resources: {
        devices: [
          { allow: false, access: 'rwm' },
          ...devices.map((d) => ({ allow: true, type: 'c', major: d.major, minor: d.minor, access: 'rwm' })),
        ],
        memory: { limit: spec.limits.memoryBytes, swap: spec.limits.memoryBytes },
        cpu: { quota: Math.round(spec.limits.cpus * CFS_PERIOD_US), period: CFS_PERIOD_US },
        pids: { limit: spec.limits.pids },
        ...(spec.blockIo?.length ? { blockIO: blockIo(spec.blockIo) } : {}),
      },
      maskedPaths: MASKED_PATHS,
      readonlyPaths: READONLY_PATHS,
    },
  };
}
