/**
 * The web dashboard: signs in with an API key kept in session storage, then shows projects (the selected
 * one live over its SSE stream), throughput and latency, training loss curves, usage by hour, devices and
 * utilization, recent jobs, and GPU sessions with their costs, refreshed every few seconds. Everything it
 * loads comes from this server (no other host), so it works offline.
 */
import { apiKey, ApiFailure, get, stream } from './api.js';
import { lineChart } from './charts.js';

const REFRESH_MS = 3_000;
const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const fmt = (value: number | null | undefined, digits = 1) =>
  value === null || value === undefined ? '–' : value.toFixed(digits);

interface Project {
  id: string;
  name: string;
  type: string;
  status: string;
  progress_percent: number | null;
  completed_tasks: number;
  failed_tasks: number;
  metrics: { avg_latency_ms: number | null };
}

/** Replaces a table body's rows; cells are text, never HTML. */
function fill(tableId: string, rows: (string | number)[][], onClick?: (index: number) => void, selected?: number) {
  const body = $(tableId).querySelector('tbody')!;
  body.replaceChildren(
    ...rows.map((cells, index) => {
      const tr = document.createElement('tr');
      if (index === selected) tr.className = 'selected';
      for (const cell of cells) {
        const td = document.createElement('td');
        td.textContent = String(cell);
        tr.append(td);
      }
      if (onClick) tr.addEventListener('click', () => onClick(index));
      return tr;
    }),
  );
}

let selected: string | undefined;
let live: AbortController | undefined;

function showLive(project: Project) {
  $('live').hidden = false;
  $('live-name').textContent = project.name;
  const progress = $<HTMLProgressElement>('live-progress');
  progress.value = project.progress_percent ?? 0;
  progress.dataset.percent = String(project.progress_percent ?? 0);
  $('live-text').textContent =
    `${project.status} · ${fmt(project.progress_percent)}% · ${project.completed_tasks} done · ${project.failed_tasks} failed · avg ${fmt(project.metrics.avg_latency_ms)} ms`;
}

/** Follows one project over its SSE stream, reconnecting after a dropped connection. */
function follow(project: Project) {
  live?.abort();
  selected = project.id;
  const controller = new AbortController();
  live = controller;
  showLive(project);
  const run = async () => {
    while (!controller.signal.aborted) {
      try {
        await stream(
          `/dashboard/projects/${encodeURIComponent(project.id)}/stream?interval=1000`,
          (event, data) => {
            if (event === 'stats') showLive(JSON.parse(data) as Project);
          },
          controller.signal,
        );
        return; // the project ended
      } catch {
        if (controller.signal.aborted) return;
        await new Promise((resolve) => setTimeout(resolve, 2_000));
      }
    }
  };
  void run();
}

async function refreshProjects() {
  const { projects } = await get<{ projects: Project[] }>('/dashboard/projects');
  const index = projects.findIndex((p) => p.id === selected);
  fill(
    'projects',
    projects.map((p) => [
      p.name,
      p.type,
      p.status,
      `${fmt(p.progress_percent)}%`,
      p.completed_tasks,
      p.failed_tasks,
      fmt(p.metrics.avg_latency_ms),
    ]),
    (i) => follow(projects[i]!),
    index,
  );
  if (!selected) {
    const first = projects.find((p) => p.status === 'active') ?? projects[0];
    if (first) follow(first);
  }
}

async function refreshCharts() {
  const throughput = await get<{
    buckets: {
      timestamp: string;
      completed: number;
      failed: number;
      tasks_per_sec: number;
      avg_latency_ms: number | null;
    }[];
  }>('/dashboard/tasks/throughput?bucket_size=5');
  // The last 5 minutes in 5 s buckets, empty ones as zero tasks (and no latency), so the time axis is real.
  const byTime = new Map(throughput.buckets.map((b) => [Date.parse(b.timestamp) / 1000, b]));
  const last = Math.floor(Date.now() / 5000) * 5;
  const x = Array.from({ length: 60 }, (_, i) => last - (59 - i) * 5);
  const any = throughput.buckets.length > 0;
  lineChart(
    'chart-throughput',
    any ? x : [],
    [{ label: 'tasks/s', values: x.map((t) => byTime.get(t)?.tasks_per_sec ?? 0), color: '#2563eb' }],
    'No tasks in the last 25 minutes',
  );
  lineChart(
    'chart-latency',
    any ? x : [],
    [{ label: 'avg ms', values: x.map((t) => byTime.get(t)?.avg_latency_ms ?? null), color: '#d97706' }],
    'No tasks in the last 25 minutes',
  );

  const usage = await get<{ data: { hour: string; usage: { tasks: number } }[] }>('/usage/hourly?hours=24');
  lineChart(
    'chart-usage',
    usage.data.map((h) => Date.parse(`${h.hour}:00:00Z`) / 1000),
    [{ label: 'tasks', values: usage.data.map((h) => h.usage.tasks), color: '#059669' }],
    'No usage yet',
  );

  const { jobs } = await get<{ jobs: { job_id: string }[] }>('/dashboard/jobs?type=training');
  const curves = await Promise.all(
    jobs
      .slice(0, 3)
      .map((job) =>
        get<{ job_id: string; checkpoints: { elapsed_seconds: number; loss: number | null }[] }>(
          `/efficiency/job/${encodeURIComponent(job.job_id)}`,
        ),
      ),
  );
  const seconds = [...new Set(curves.flatMap((c) => c.checkpoints.map((p) => p.elapsed_seconds)))].sort(
    (a, b) => a - b,
  );
  const colors = ['#7c3aed', '#db2777', '#0891b2'];
  lineChart(
    'chart-loss',
    seconds,
    curves.map((c, i) => ({
      label: c.job_id,
      values: seconds.map((s) => c.checkpoints.find((p) => p.elapsed_seconds === s)?.loss ?? null),
      color: colors[i]!,
    })),
    'No training job in the last 5 days',
  );
}

async function refreshTables() {
  const [devices, utilization, jobs, sessions, costs] = await Promise.all([
    get<{
      platforms: {
        platform: string;
        devices: number;
        online: number;
        busy: number;
        gpu: number;
        tasks_completed: number;
        avg_latency_ms: number | null;
      }[];
    }>('/dashboard/devices'),
    get<{
      allocation: { running_tasks: number; capacity: number };
      cpu: { server_usage: number };
      jobs: Record<string, number>;
    }>('/cluster/utilization'),
    get<{
      jobs: {
        job_id: string;
        type: string;
        status: string;
        percent_complete: number;
        project_id: string | null;
        last_activity_at: string;
      }[];
    }>('/dashboard/jobs'),
    get<{
      sessions: {
        id: string;
        gpu_type: string;
        provider: string;
        status: string;
        price_per_hour: number;
        cost?: { total_cost?: number } | null;
      }[];
    }>('/sessions').catch(() => ({ sessions: [] })),
    get<{ total_cost: number; hours_used: number; session_count: number }>('/costs/summary').catch(() => undefined),
  ]);
  fill(
    'devices',
    devices.platforms.map((p) => [
      p.platform,
      p.devices,
      p.online,
      p.busy,
      p.gpu,
      p.tasks_completed,
      fmt(p.avg_latency_ms),
    ]),
  );
  $('utilization').textContent =
    `Allocation ${utilization.allocation.running_tasks}/${utilization.allocation.capacity} tasks · server CPU ${fmt(utilization.cpu.server_usage * 100)}% · inference jobs queued ${utilization.jobs.inference_queued}, running ${utilization.jobs.inference_running}`;
  fill(
    'jobs',
    jobs.jobs
      .slice(0, 30)
      .map((j) => [
        j.job_id,
        j.type,
        j.status,
        `${fmt(j.percent_complete)}%`,
        j.project_id ?? '',
        new Date(j.last_activity_at).toLocaleTimeString(),
      ]),
  );
  fill(
    'sessions',
    sessions.sessions.map((s) => [
      s.id,
      s.gpu_type,
      s.provider,
      s.status,
      fmt(s.price_per_hour, 3),
      fmt(s.cost?.total_cost, 4),
    ]),
  );
  $('costs').textContent = costs
    ? `${costs.session_count} sessions · ${fmt(costs.hours_used, 2)} h · $${fmt(costs.total_cost, 4)}`
    : '';
}

async function refresh() {
  try {
    await Promise.all([refreshProjects(), refreshCharts(), refreshTables()]);
    $('status').textContent = `Updated ${new Date().toLocaleTimeString()}`;
  } catch (error) {
    if (error instanceof ApiFailure && error.status === 401) return signOut('That API key was refused.');
    $('status').textContent = `Refresh failed: ${(error as Error).message}`;
  }
}

let timer: number | undefined;
function signOut(message = '') {
  apiKey.clear();
  live?.abort();
  selected = undefined;
  if (timer !== undefined) clearInterval(timer);
  $('app').hidden = true;
  $('sign-out').hidden = true;
  $('sign-in').hidden = false;
  $('sign-in-error').textContent = message;
}

function start() {
  $('sign-in').hidden = true;
  $('app').hidden = false;
  $('sign-out').hidden = false;
  void refresh();
  timer = window.setInterval(() => void refresh(), REFRESH_MS);
}

$('sign-in').addEventListener('submit', (event) => {
  event.preventDefault();
  apiKey.set($<HTMLInputElement>('api-key').value.trim());
  start();
});
$('sign-out').addEventListener('click', () => signOut());
if (apiKey.get()) start();
else signOut();
