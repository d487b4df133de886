/** One line and an exit code for every kind of failure. */
import { describe, expect, it } from 'vitest';
import { ConnectionError, errorFromResponse, TimeoutError } from '@computeplane/sdk';
import { CommandError, describeFailure, UsageError } from './errors.js';

const headers = (id?: string) => new Headers(id ? { 'x-request-id': id } : {});

describe('describeFailure', () => {
  it('prints the code, the server message and the request id of an API error (exit 1)', () => {
    const error = errorFromResponse(
      404,
      { error: { code: 'NOT_FOUND', message: "Model 'm' not found", request_id: 'req_1' } },
      headers(),
    );
    expect(describeFailure(error)).toEqual({ exitCode: 1, line: "NOT_FOUND: Model 'm' not found (request req_1)" });
  });

  it('reads the flat and gpu error families too', () => {
    expect(
      describeFailure(
        errorFromResponse(409, { code: 'invalid_state', message: 'instance is stopped' }, headers('req_2')),
      ).line,
    ).toBe('INVALID_STATE: instance is stopped (request req_2)');
    expect(
      describeFailure(
        errorFromResponse(400, { error: 'bad gpu', error_type: 'invalid_request', request_id: 'req_3' }, headers()),
      ).line,
    ).toBe('INVALID_REQUEST: bad gpu (request req_3)');
  });

  it('adds how to authenticate to a 401 when no key was configured', () => {
    const error = errorFromResponse(
      401,
      { error: { code: 'UNAUTHORIZED', message: 'Missing API key' } },
      headers('req_4'),
    );
    expect(describeFailure(error, { hasApiKey: false }).line).toMatch(
      /\(request req_4\); pass --api-key, set COMPUTEPLANE_API_KEY or run `computeplane login`$/,
    );
    expect(describeFailure(error, { hasApiKey: true }).line).toBe('UNAUTHORIZED: Missing API key (request req_4)');
  });

  it('points an admin command refused with 401 at the admin key', () => {
    const error = errorFromResponse(
      401,
      { error: { code: 'AUTH_INVALID', message: 'The credential is not valid' } },
      headers('req_5'),
    );
    expect(describeFailure(error, { hasApiKey: false, usesAdminKey: true }).line).toBe(
      'AUTH_INVALID: The credential is not valid (request req_5); check --admin-key or COMPUTEPLANE_ADMIN_KEY',
    );
  });

  it('keeps only the first line of a long message', () => {
    const error = errorFromResponse(500, { error: { code: 'INTERNAL', message: 'boom\n    at stack' } }, headers());
    expect(describeFailure(error).line).toBe('INTERNAL: boom');
  });

  it('names the server it could not reach, and the socket reason', () => {
    const failure = describeFailure(new ConnectionError('GET http://x/api failed: ECONNREFUSED'), {
      baseUrl: 'http://x',
    });
    expect(failure).toEqual({
      exitCode: 1,
      line: 'cannot reach http://x (ECONNREFUSED); check --base-url or COMPUTEPLANE_BASE_URL',
    });
    expect(describeFailure(new TimeoutError('GET http://x timed out after 5 ms')).line).toMatch(/raise --timeout$/);
  });

  it('gives usage errors and unreadable files exit 2, command failures exit 1', () => {
    expect(describeFailure(new UsageError('--limit must be ...'))).toEqual({
      exitCode: 2,
      line: '--limit must be ...',
    });
    const missing = Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT', path: '/tmp/x.csv' });
    expect(describeFailure(missing)).toEqual({ exitCode: 2, line: 'cannot read /tmp/x.csv (ENOENT)' });
    expect(describeFailure(new CommandError('job failed: bad input\nmore'))).toEqual({
      exitCode: 1,
      line: 'job failed: bad input',
    });
  });
});
