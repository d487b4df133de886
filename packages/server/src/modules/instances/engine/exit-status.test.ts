/** Exit codes and messages for the ways a workload ends. */
import { describe, expect, it } from 'vitest';
import { describeExit, runtimeErrorOf } from './exit-status.js';

describe('describeExit', () => {
  it('names codes, signals, OOM kills and commands that could not start', () => {
    expect(describeExit(0, undefined, false)).toEqual({ exitCode: 0, exitMessage: 'exited normally' });
    expect(describeExit(3, undefined, false)).toEqual({ exitCode: 3, exitMessage: 'exited with code 3' });
    expect(describeExit(137, undefined, false)).toEqual({ exitCode: 137, exitMessage: 'killed by signal 9 (SIGKILL)' });
    expect(describeExit(137, undefined, true)).toEqual({
      exitCode: 137,
      exitMessage: 'killed by signal 9 (SIGKILL) - OOM',
    });
    expect(describeExit(143, undefined, false).exitMessage).toBe('killed by signal 15 (SIGTERM)');
    const log =
      '{"level":"error","msg":"runc run failed: unable to start container process: exec: \\"nosuch\\": executable file not found in $PATH","time":"x"}\n';
    expect(describeExit(1, runtimeErrorOf(log), false)).toEqual({ exitCode: 127, exitMessage: 'command not found' });
  });
});
