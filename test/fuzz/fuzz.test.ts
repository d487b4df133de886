/**
 * The project's property-based fuzz suite: every operation of every openapi/*.yaml, against a real server
 * (PGlite, provider fakes), with schema-valid requests, schema-invalid requests, credentials that must be
 * refused, another tenant's key, unsupported methods on every path, and a create/get/delete sequence for
 * each resource that has one. See test/fuzz/README.md for FUZZ_RUNS, FUZZ_SEED and FUZZ_PATH.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSpecValidator } from '@computeplane/test-support/spec-validator';
import { checkConforms, checkRefused, checkUnauthorized, fail } from './checks.js';
import { allSecuritySchemes, credentialFor, refusedCredentials, type Secrets } from './credentials.js';
import { FUZZ_RUNS, FUZZ_SEED, assertFuzz, replayHint } from './fuzz-config.js';
import { ADMIN_KEY, INTERNAL_TOKEN, startFuzzServer, type FuzzServer } from './fuzz-server.js';
import { invalidRequest, validRequest, type RequestContext } from './requests.js';
import { send, type FuzzRequest } from './send.js';
import { runSequence, sequencesOf } from './sequences.js';
import { HTTP_METHODS, loadOperations, methodsByPath, type FuzzOperation } from './spec-operations.js';

const operations = await loadOperations();
const validator = await loadSpecValidator();
const schemes = allSecuritySchemes(operations);
const breakable = (op: FuzzOperation) => op.parameters.length > 0 || op.body !== undefined;
const secured = (op: FuzzOperation) => op.security.length > 0 && op.security.every((alt) => alt.length > 0);
const tenantScoped = (op: FuzzOperation) => op.security.some((alt) => alt.includes('ApiKeyAuth'));

describe(`fuzz (seed ${FUZZ_SEED}, ${FUZZ_RUNS} runs per property)`, () => {
  let fuzz: FuzzServer;
  let secrets: Secrets;
  const ctx = (op: FuzzOperation, credential = credentialFor(op, secrets)): RequestContext => ({
    known: fuzz.known,
    credential,
    validator,
  });
  const sendTo = (request: FuzzRequest) => send(fuzz.server.baseUrl, request);

  beforeAll(async () => {
    console.info(`fuzz: seed ${FUZZ_SEED}, ${FUZZ_RUNS} runs per property; ${replayHint('<test name>')}`);
    fuzz = await startFuzzServer();
    secrets = {
      bySchemeName: {
        ApiKeyAuth: fuzz.server.keyA,
        BearerAuth: fuzz.server.keyA,
        AdminKeyAuth: ADMIN_KEY,
        InternalTokenAuth: INTERNAL_TOKEN,
        SdkTokenAuth: fuzz.sdkToken,
      },
      revokedApiKey: fuzz.revokedKey,
    };
  });
  afterAll(async () => {
    await fuzz?.close();
  });

  it('covers every operation of every spec', () => {
    expect(operations.length).toBe(validator.operations.length);
    expect(new Set(operations.map((op) => op.area)).size).toBeGreaterThanOrEqual(7);
  });

  describe.each(sequencesOf(operations).map((s) => [s.create.operationId, s] as const))(
    'sequence %s',
    (_, sequence) => {
      it('creates, lists, reads and deletes', async () => {
        const credentialOf = (op: FuzzOperation) => credentialFor(op, secrets);
        await runSequence(fuzz.server.baseUrl, sequence, ctx(sequence.create), validator, credentialOf);
      });
    },
  );

  describe.each(operations.map((op) => [`${op.method.toUpperCase()} ${op.path}`, op] as const))('%s', (_, op) => {
    it(`${op.operationId}: schema-valid requests conform`, async () => {
      await assertFuzz(
        fc.asyncProperty(validRequest(op, ctx(op)), async (request) => {
          const response = await sendTo(request);
          checkConforms(validator, op, request, response);
          // An answer given without any credential must not name a tenant's resource.
          const leaked = fuzz.known.filter((k) => k.owned && response.text.includes(k.value)).map((k) => k.value);
          if (!secured(op) && leaked.length)
            fail(op, request, response, `an unauthenticated answer names tenant A's ${leaked.join(', ')}`);
        }),
      );
    });

    it.runIf(breakable(op))(`${op.operationId}: schema-invalid requests are refused with a 4xx`, async () => {
      await assertFuzz(
        fc.asyncProperty(invalidRequest(op, ctx(op)), async ({ request, why, status }) => {
          checkRefused(validator, op, request, await sendTo(request), why, status);
        }),
      );
    });

    it.runIf(secured(op))(`${op.operationId}: missing, wrong and other kinds of credentials are refused`, async () => {
      const probes = refusedCredentials(op, secrets, schemes);
      await assertFuzz(
        fc.asyncProperty(
          fc.constantFrom(...probes),
          validRequest(op, ctx(op, {})),
          async ({ probe, headers }, base) => {
            const request = { ...base, headers: { ...base.headers, ...headers } };
            checkUnauthorized(validator, op, request, await sendTo(request), probe);
          },
        ),
        { numRuns: Math.max(FUZZ_RUNS, probes.length) },
      );
    });

    it.runIf(tenantScoped(op))(
      `${op.operationId}: another tenant's key never reaches tenant A's resources`,
      async () => {
        const owned = fuzz.known.filter((k) => k.owned).map((k) => k.value);
        await assertFuzz(
          fc.asyncProperty(validRequest(op, ctx(op, { 'X-API-Key': fuzz.server.keyB })), async (request) => {
            const response = await sendTo(request);
            checkConforms(validator, op, request, response);
            const asked = JSON.stringify([request.pathValues, request.body]);
            if (response.status < 300 && owned.some((id) => asked.includes(id)))
              fail(op, request, response, "tenant B's key reached a resource of tenant A");
            const echoed = request.query.map(([, value]) => value).join('&');
            const leaked = owned.filter(
              (id) => response.text.includes(id) && !echoed.includes(id) && !asked.includes(id),
            );
            if (leaked.length) fail(op, request, response, `tenant B saw tenant A's ${leaked.join(', ')}`);
          }),
        );
      },
    );
  });

  describe.each([...methodsByPath(operations)].map(([path, entry]) => [path, entry] as const))(
    'unsupported methods on %s',
    (path, { ops, methods }) => {
      it('are 405 with Allow naming the documented methods', async () => {
        const op = ops[0]!;
        const [sample] = fc.sample(validRequest(op, ctx(op)), { numRuns: 1, seed: FUZZ_SEED });
        const errorSchema = validator.operation(op.operationId).responses['400']?.content?.['application/json']?.schema;
        for (const method of HTTP_METHODS.filter((m) => !methods.includes(m.toUpperCase()))) {
          const request: FuzzRequest = { ...sample!, method, query: [], body: { kind: 'none' } };
          const response = await sendTo(request);
          const probe = { ...op, operationId: `${method.toUpperCase()} ${path}` };
          if (response.status !== 405)
            fail(probe, request, response, `an unsupported method answered ${response.status}, not 405`);
          const allow = (response.headers.get('allow') ?? '')
            .split(',')
            .map((m) => m.trim())
            .filter((m) => m && m !== 'HEAD' && m !== 'OPTIONS');
          if (allow.sort().join(', ') !== [...methods].sort().join(', '))
            fail(
              probe,
              request,
              response,
              `Allow is "${response.headers.get('allow')}", expected ${methods.sort().join(', ')}`,
            );
          if (errorSchema && !validator.matches(op.area, errorSchema, response.body))
            fail(probe, request, response, "the 405's body is not the area's error body");
        }
      });
    },
  );
});
