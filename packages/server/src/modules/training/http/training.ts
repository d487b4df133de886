/** The training area (openapi/training.yaml): start, get, pause, resume, cancel. */
import { routes } from '../../../generated/routes/training.js';
import { tenantOf } from '../../../platform/auth/principal.js';
import { area } from '../../../platform/module.js';
import type { TrainingUseCases } from '../training-use-cases.js';
import { toTrainingJob } from '../training-view.js';

export function trainingArea(useCases: TrainingUseCases) {
  return area('training', routes, {
    startTraining: async (c) => {
      const { row, estimatedDevices } = await useCases.start(tenantOf(c.get('principal')), c.req.valid('json'));
      c.header('Location', `/api/v1/training/${row.id}`);
      return c.json({ job_id: row.id, status: row.status, estimated_devices: estimatedDevices }, 202);
    },
    getTraining: async (c) =>
      c.json(toTrainingJob(await useCases.get(tenantOf(c.get('principal')), c.req.valid('param').jobId)), 200),
    pauseTraining: async (c) =>
      c.json(toTrainingJob(await useCases.pause(tenantOf(c.get('principal')), c.req.valid('param').jobId)), 200),
    resumeTraining: async (c) =>
      c.json(toTrainingJob(await useCases.resume(tenantOf(c.get('principal')), c.req.valid('param').jobId)), 200),
    cancelTraining: async (c) =>
      c.json(toTrainingJob(await useCases.cancel(tenantOf(c.get('principal')), c.req.valid('param').jobId)), 200),
  });
}
