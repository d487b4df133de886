/**
 * The task recorder: modules hand it task records and training samples on their hot paths (an array
 * push), and it writes them in bulk, every `flushMs` or as soon as `maxRows` are waiting, one flush at a
 * time (flush-records.ts). A flush that fails keeps its rows for the next one, up to `maxBuffered`
 * (beyond it the oldest are dropped and counted in the log), so a database outage never grows the heap
 * without bound. `stop()` flushes what is left.
 */
import type { Logger } from 'pino';
import type { Db } from '../db/database.js';
import { flushRecords } from './flush-records.js';
import { createProjectLedger } from './project-ledger.js';
import type { TaskRecord, TrainingSample } from './task-record.js';

export interface TaskRecorderOptions {
  flushMs: number;
  maxRows: number;
  maxBuffered: number;
}

export function createTaskRecorder(db: Db, logger: Logger, clock: () => Date, options: TaskRecorderOptions) {
  let records: TaskRecord[] = [];
  let samples: TrainingSample[] = [];
  let flushing: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  let dropped = 0;

  async function write(): Promise<void> {
    const batch = records;
    const batchSamples = samples;
    records = [];
    samples = [];
    try {
      await flushRecords(db, batch, batchSamples);
    } catch (error) {
      records = batch.concat(records);
      samples = batchSamples.concat(samples);
      const over = records.length - options.maxBuffered;
      if (over > 0) {
        records = records.slice(over);
        dropped += over;
      }
      logger.warn({ err: error, waiting: records.length, dropped }, 'task records not written; retrying');
    }
  }

  /** One flush after whatever flush is running (flushes never overlap, so counters are added once). */
  function flush(): Promise<void> {
    flushing = flushing.then(write);
    return flushing;
  }

  return {
    /** The projects that tasks name (created on first use; submitted tasks counted). */
    projects: createProjectLedger(db, clock),
    record(record: TaskRecord) {
      records.push(record);
      if (records.length === options.maxRows) void flush();
    },
    sample(sample: TrainingSample) {
      samples.push(sample);
    },
    flush,
    /** Rows waiting to be written. */
    pending: () => records.length + samples.length,
    start() {
      timer ??= setInterval(() => {
        if (records.length > 0 || samples.length > 0) void flush();
      }, options.flushMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await flush();
    },
  };
}

export type TaskRecorder = ReturnType<typeof createTaskRecorder>;
