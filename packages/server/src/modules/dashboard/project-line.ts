/** One line of ANSI-coloured text for a terminal: the project's name, status, progress bar and counts. */
import type { ProjectView } from '../projects/module.js';

const ESC = '\u001b[';
const bold = (s: string) => `${ESC}1m${s}${ESC}0m`;
const colour = (code: number, s: string) => `${ESC}${code}m${s}${ESC}0m`;
const STATUS_COLOUR = { active: 36, completed: 32, cancelled: 33 } as const;
const WIDTH = 20;

export function projectLine(project: ProjectView): string {
  const percent = project.progress_percent;
  const filled = percent === null ? 0 : Math.round((percent / 100) * WIDTH);
  const bar = `[${colour(32, '#'.repeat(filled))}${'-'.repeat(WIDTH - filled)}]`;
  const latency = project.metrics.avg_latency_ms;
  const rate = project.metrics.throughput_per_sec;
  return [
    bold(project.name),
    colour(STATUS_COLOUR[project.status], project.status),
    bar,
    percent === null ? 'n/a' : `${percent.toFixed(1)}%`,
    colour(32, `ok ${project.completed_tasks}`),
    colour(31, `failed ${project.failed_tasks}`),
    latency === null ? 'avg -' : `avg ${latency.toFixed(1)} ms`,
    rate === null ? '' : `${rate.toFixed(1)}/s`,
  ]
    .filter(Boolean)
    .join('  ');
}
