/** The task recorder and the shapes modules record (see task-recorder.ts). */
export type { TaskRecord, TrainingSample, DeviceKind } from './task-record.js';
export { hourOf } from './task-record.js';
export type { TaskRecorder } from './task-recorder.js';
