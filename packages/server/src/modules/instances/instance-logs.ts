/**
 * An instance's log lines: `app` (the workload's stdout and stderr), `vmm` (runc's own log, its messages),
 * `hypeman` (this server's lifecycle events). The last `tail` lines first; with `follow`, new lines as
 * the file grows, until the workload is no longer live and the file is read to its end, or the client goes.
 */
import { open, stat } from 'node:fs/promises';
import type { InstanceContext } from './instance-context.js';
import type { InstanceRow } from './instance-repository.js';

const LIVE = new Set(['Created', 'Initializing', 'Running', 'Paused']);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function vmmLine(line: string): string {
  try {
    const entry = JSON.parse(line) as { level?: string; msg?: string };
    return `${entry.level ?? 'info'}: ${entry.msg ?? line}`;
  } catch {
    return line;
  }
}

async function readFrom(path: string, offset: number): Promise<{ text: string; end: number }> {
  const size = await stat(path).then(
    (s) => s.size,
    () => 0,
  );
  if (size <= offset) return { text: '', end: size < offset ? 0 : offset };
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(Math.min(size - offset, 4 * 1024 * 1024));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
    return { text: buffer.subarray(0, bytesRead).toString('utf8'), end: offset + bytesRead };
  } finally {
    await handle.close();
  }
}

export async function* instanceLogLines(
  ctx: InstanceContext,
  row: InstanceRow,
  options: { source: 'app' | 'vmm' | 'hypeman'; tail: number; follow: boolean; signal: AbortSignal },
): AsyncGenerator<string> {
  const files = ctx.runtime.files(row.id);
  const path = options.source === 'app' ? files.app : options.source === 'vmm' ? files.runtime : files.events;
  const shape = options.source === 'vmm' ? vmmLine : (line: string) => line;
  const first = await readFrom(path, 0);
  const lines = first.text.split('\n');
  let partial = lines.pop() ?? '';
  for (const line of options.tail > 0 ? lines.slice(-options.tail) : []) yield shape(line);
  let offset = first.end;
  while (options.follow && !options.signal.aborted) {
    const next = await readFrom(path, offset);
    offset = next.end;
    if (next.text) {
      const more = (partial + next.text).split('\n');
      partial = more.pop() ?? '';
      for (const line of more) yield shape(line);
      continue;
    }
    const current = await ctx.instances.byId(row.id);
    if (!current || !LIVE.has(current.state)) {
      if (partial) yield shape(partial);
      return;
    }
    await sleep(200);
  }
}
