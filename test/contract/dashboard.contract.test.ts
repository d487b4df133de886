/**
 * Contract: the dashboard area through the SDK against a real server, on both drivers, and the project
 * stream read by a real SSE client over a socket: events in order, reconnect with Last-Event-ID, a slow
 * reader that does not hold up other requests, a gone client's slot given back, the per-tenant bound.
 */
import { request, type IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { unwrap } from '@computeplane/sdk';
import {
  getClusterUtilization,
  getDashboardComparison,
  getDashboardDevices,
  getDashboardEfficiency,
  getDashboardJobs,
  getDashboardProjects,
  getDashboardTasks,
  getTaskThroughput,
  streamProject,
} from '@computeplane/sdk/dashboard';
import { getHealth } from '@computeplane/sdk/health';
import { submitBatchInference, waitForInferenceJob } from '@computeplane/sdk/inference';
import { uploadModel } from '@computeplane/sdk/models';
import { completeProject, createProject } from '@computeplane/sdk/projects';
import { testDrivers } from '@computeplane/test-support/databases';
import { fixturePath } from '@computeplane/test-support/fixtures';
import { conform, conformError, contractInferenceSettings, serverFor, specValidator } from './harness.js';

interface SseEvent {
  id?: string;
  event?: string;
  data: string;
}

/** Opens the stream; events are parsed as they arrive. */
function openStream(baseUrl: string, key: string, path: string, headers: Record<string, string> = {}) {
  const events: SseEvent[] = [];
  let waiters: (() => void)[] = [];
  let response: IncomingMessage | undefined;
  const ready = new Promise<IncomingMessage>((resolve, reject) => {
    const req = request(`${baseUrl}${path}`, { headers: { 'X-API-Key': key, ...headers } }, (res) => {
      response = res;
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event: SseEvent = { data: '' };
          for (const line of block.split('\n')) {
            const [field, ...rest] = line.split(':');
            const value = rest.join(':').replace(/^ /, '');
            if (field === 'id') event.id = value;
            else if (field === 'event') event.event = value;
            else if (field === 'data') event.data += value;
          }
          if (event.event) events.push(event);
        }
        for (const wake of waiters) wake();
        waiters = [];
      });
      resolve(res);
    });
    req.on('error', reject);
    req.end();
  });
  const until = async (count: number) => {
    while (events.length < count) await new Promise<void>((resolve) => waiters.push(resolve));
    return events.slice(0, count);
  };
  return { ready, events, until, close: () => response?.destroy() };
}

const waitFor = async (check: () => boolean) => {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 20));
};

describe.each(testDrivers)('dashboard contract on $name', (driver) => {
  const suite = serverFor(driver, {
    settings: { inference: contractInferenceSettings, usage: { flushMs: 50 }, dashboard: { maxStreamsPerTenant: 2 } },
  });

  it('answers every view from a real batch and the devices', async () => {
    const client = suite.server.clientA;
    const model = await unwrap(uploadModel(client, { model: fixturePath('regression.onnx') }));
    const inputs = Array.from({ length: 20 }, (_, i) => ({ data: [i, 1, 1], shape: [1, 3] }));
    const accepted = await unwrap(submitBatchInference(client, { body: { model_id: model.id, inputs } }));
    await waitForInferenceJob(client, accepted.job_id, { intervalMs: 20, timeoutMs: 20_000 });

    const { data: devices } = await conform('getDashboardDevices', getDashboardDevices(client));
    expect(devices!.total).toBeGreaterThanOrEqual(1);
    expect(devices!.platforms.map((p) => p.platform)).toContain('nodejs');
    const { data: jobs } = await conform(
      'getDashboardJobs',
      getDashboardJobs(client, { params: { query: { type: 'inference' } } }),
    );
    expect(jobs!.jobs[0]).toMatchObject({ job_id: accepted.job_id, completed_tasks: 20, percent_complete: 100 });
    await conform('getDashboardJobs', getDashboardJobs(client));
    await conformError(
      'getDashboardJobs',
      getDashboardJobs(client, { params: { query: { type: 'gpu' as 'inference' } } }),
      400,
      'VALIDATION_ERROR',
    );
    const { data: projects } = await conform('getDashboardProjects', getDashboardProjects(client));
    expect(projects!.projects.map((p) => p.id)).toContain(accepted.project_id);
    const { data: tasks } = await conform(
      'getDashboardTasks',
      getDashboardTasks(client, { params: { query: { project_id: accepted.project_id, limit: 1000 } } }),
    );
    expect(tasks!.tasks.reduce((sum, t) => sum + t.tasks, 0)).toBe(20);
    const { data: throughput } = await conform(
      'getTaskThroughput',
      getTaskThroughput(client, { params: { query: { project_id: accepted.project_id, bucket_size: 60 } } }),
    );
    expect(throughput!.buckets.reduce((sum, b) => sum + b.completed, 0)).toBe(20);
    await conform('getDashboardEfficiency', getDashboardEfficiency(client));
    const { data: comparison } = await conform('getDashboardComparison', getDashboardComparison(client));
    expect(comparison!.inference.aws.tasks).toBeGreaterThanOrEqual(20);
    const { data: utilization } = await conform('getClusterUtilization', getClusterUtilization(client));
    expect(utilization!.allocation.capacity).toBeGreaterThan(0);
    expect(utilization!.gpu.usage).toBeNull();
    // Another tenant sees none of it.
    const other = await unwrap(getDashboardTasks(suite.server.clientB));
    expect(other.tasks).toEqual([]);
  });

  it('streams a project over SSE: json and ANSI text, reconnect, slow reader, gone client, bounded', async () => {
    const { baseUrl, keyA, clientA } = suite.server;
    const project = await unwrap(createProject(clientA, { body: { name: 'live', type: 'realtime' } }));
    const path = `/api/v1/dashboard/projects/${project.id}/stream?interval=100`;
    const first = openStream(baseUrl, keyA, path);
    const res = await first.ready;
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
    const events = await first.until(2);
    expect(events.map((e) => [e.id, e.event])).toEqual([
      ['1', 'stats'],
      ['2', 'stats'],
    ]);
    (await specValidator()).check('getProject', {
      status: 200,
      contentType: 'application/json',
      body: JSON.parse(events[0]!.data),
    });

    // Slow reader: a paused client does not hold up the server.
    res.pause();
    expect((await unwrap(getHealth(suite.server.anonymous))).status).toBe('healthy');
    res.resume();
    await first.until(3);

    // The per-tenant bound (2 here): a third stream is refused while two are open.
    const text = openStream(baseUrl, keyA, `${path}&format=text`);
    const [line] = await text.until(1);
    expect(line!.data).toContain('\u001b[1mlive\u001b[0m');
    expect(line!.data).toContain('active');
    const refused = openStream(baseUrl, keyA, path);
    expect((await refused.ready).statusCode).toBe(429);
    refused.close();

    // A gone client gives its slot back.
    first.close();
    await waitFor(() => suite.server.app.streamsHeld(suite.server.tenantA) === 1);
    // Reconnect with Last-Event-ID: numbering continues; the project's end closes the stream.
    const again = openStream(baseUrl, keyA, path, { 'Last-Event-ID': '41' });
    const [resumed] = await again.until(1);
    expect(resumed!.id).toBe('42');
    await unwrap(completeProject(clientA, { params: { path: { id: project.id } } }));
    await waitFor(() => again.events.some((e) => e.event === 'end'));
    expect(again.events.at(-1)).toMatchObject({ event: 'end', data: 'completed' });
    text.close();
    await waitFor(() => suite.server.app.streamsHeld(suite.server.tenantA) === 0);

    // Through the SDK: an ended project's stream is its last stats and the end, then the stream closes.
    const { data: ended } = await conform(
      'streamProject',
      streamProject(clientA, { params: { path: { id: project.id }, query: { format: 'json' } } }),
    );
    const blocks = String(ended).split('\n\n').filter(Boolean);
    expect(blocks).toHaveLength(2);
    expect(blocks[0]).toContain('event: stats');
    expect(blocks[0]).toContain('id: 1');
    expect(blocks[0]).toContain('"status":"completed"');
    expect(blocks[1]!.split('\n').sort()).toEqual(['data: completed', 'event: end', 'id: 2']);
    await conformError(
      'streamProject',
      streamProject(clientA, { params: { path: { id: 'proj_missing' } } }),
      404,
      'NOT_FOUND',
    );

    const missing = openStream(baseUrl, keyA, '/api/v1/dashboard/projects/proj_missing/stream');
    expect((await missing.ready).statusCode).toBe(404);
    missing.close();
    const badInterval = openStream(baseUrl, keyA, `/api/v1/dashboard/projects/${project.id}/stream?interval=5`);
    expect((await badInterval.ready).statusCode).toBe(400);
    badInterval.close();
    await conformError('getDashboardProjects', getDashboardProjects(suite.server.anonymous), 401, 'AUTH_REQUIRED');
  });
});
