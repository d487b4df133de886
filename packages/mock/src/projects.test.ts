/** The mock serves projects and usage as the reference server does: a project counts its requests. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { unwrap } from '@computeplane/sdk';
import { runInference } from '@computeplane/sdk/inference';
import { uploadModel } from '@computeplane/sdk/models';
import { completeProject, createProject, getProject } from '@computeplane/sdk/projects';
import { getUsage } from '@computeplane/sdk/usage';
import { fixturePath } from '@computeplane/test-support/fixtures';
import { useMockComputeplane } from './use-mock-computeplane.js';

describe('projects on the mock', () => {
  const { client } = useMockComputeplane({ beforeAll, afterEach, afterAll });

  it('counts sync requests towards their project and the usage', async () => {
    const model = await unwrap(uploadModel(client, { model: fixturePath('regression.onnx') }));
    const project = await unwrap(createProject(client, { body: { name: 'app', type: 'realtime' } }));
    for (let i = 0; i < 3; i++)
      await unwrap(
        runInference(client, {
          body: { model_id: model.id, project_id: project.id, input: { data: [1, 2, i], shape: [1, 3] } },
        }),
      );
    expect(await unwrap(getProject(client, { params: { path: { id: project.id } } }))).toMatchObject({
      completed_tasks: 3,
    });
    expect((await unwrap(getUsage(client))).usage.tasks).toBe(3);
    expect((await unwrap(completeProject(client, { params: { path: { id: project.id } } }))).status).toBe('completed');
  });
});
