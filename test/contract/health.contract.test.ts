/** Contract: the health area (liveness, readiness, detailed status, metrics, served specs). */
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { unwrap } from '@computeplane/sdk';
import {
  getAreaSpec,
  getDetailedHealth,
  getHealth,
  getMetrics,
  getOpenApiDocument,
  getReadiness,
} from '@computeplane/sdk/health';
import { uploadDataset } from '@computeplane/sdk/datasets';
import { listModels, uploadModel } from '@computeplane/sdk/models';
import { bundleArea } from '../../scripts/lib/specs.js';
import { testDrivers } from '@computeplane/test-support/databases';
import { datasetFixturePath, fixturePath } from '@computeplane/test-support/fixtures';
import { conform, conformError, serverFor } from './harness.js';

describe.each(testDrivers)('health contract on $name', (driver) => {
  const suite = serverFor(driver);

  it('answers liveness without a key', async () => {
    const { data } = await conform('getHealth', getHealth(suite.server.anonymous));
    expect(data).toMatchObject({ status: 'healthy', version: '0.1.0' });
  });

  it('reports real service states and counts', async () => {
    await unwrap(uploadModel(suite.server.clientA, { model: fixturePath('tiny-mlp.onnx') }));
    await unwrap(uploadDataset(suite.server.clientA, { file: datasetFixturePath('iris-small.csv') }));
    const { data } = await conform('getDetailedHealth', getDetailedHealth(suite.server.anonymous));
    expect(data!.services.database).toMatchObject({ status: 'healthy', driver: driver.name });
    expect(data!.services.model_store).toEqual({ status: 'healthy', models: 1 });
    expect(data!.services.dataset_store).toEqual({ status: 'healthy', datasets: 1 });
    expect(data!.services.storage).toMatchObject({ status: 'healthy', files: 2 });
    expect(data!.status).toBe('healthy');
  });

  it('is ready while serving and 503 NOT_READY while draining', async () => {
    const { data } = await conform('getReadiness', getReadiness(suite.server.anonymous));
    expect(data).toEqual({ status: 'ready', checks: { database: 'ok' } });
    suite.server.app.lifecycle.draining = true;
    try {
      const error = await conformError('getReadiness', getReadiness(suite.server.anonymous), 503, 'NOT_READY');
      expect(error.message).toMatch(/shutting down/);
    } finally {
      suite.server.app.lifecycle.draining = false;
    }
  });

  it('exposes Prometheus metrics per route and status', async () => {
    await listModels(suite.server.clientA);
    await listModels(suite.server.anonymous);
    const { data: text } = await conform('getMetrics', getMetrics(suite.server.admin));
    expect(text).toMatch(
      /http_requests_total\{[^}]*method="GET"[^}]*route="\/api\/v1\/models"[^}]*status="200"[^}]*\} [1-9]/,
    );
    expect(text).toMatch(/http_requests_total\{[^}]*route="\/api\/v1\/models"[^}]*status="401"[^}]*\} [1-9]/);
    expect(text).toMatch(/http_request_duration_seconds_bucket\{/);
  });

  it("answers /metrics only to the operator: its labels name tenants' models", async () => {
    const { data: model } = await uploadModel(suite.server.clientA, { model: fixturePath('tiny-mlp.onnx') });
    const text = await unwrap(getMetrics(suite.server.admin));
    expect(text).toContain('http_requests_total');
    for (const client of [suite.server.anonymous, suite.server.clientA, suite.server.clientB]) {
      const error = await conformError('getMetrics', getMetrics(client), 401, 'AUTH_REQUIRED');
      expect(JSON.stringify(error)).not.toContain(model!.id);
    }
    const raw = await fetch(`${suite.server.baseUrl}/metrics`);
    expect(raw.status).toBe(401);
    expect(await raw.text()).not.toMatch(/model_|http_requests_total/);
  });

  it('serves each hand spec as YAML and the merged document as JSON', async () => {
    const { data: yamlText } = await conform(
      'getAreaSpec',
      getAreaSpec(suite.server.anonymous, { params: { path: { file: 'models.yaml' } } }),
    );
    expect(parse(yamlText!)).toEqual(await bundleArea('models'));
    await conformError(
      'getAreaSpec',
      getAreaSpec(suite.server.anonymous, { params: { path: { file: 'nope.yaml' } } }),
      404,
      'NOT_FOUND',
    );
    const { data: merged } = await conform('getOpenApiDocument', getOpenApiDocument(suite.server.anonymous));
    expect(Object.keys(merged!.paths)).toEqual(
      expect.arrayContaining(['/api/v1/models', '/api/v1/health', '/api/v1/admin/tenants']),
    );
  });
});
