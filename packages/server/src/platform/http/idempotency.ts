/**
 * `Idempotency-Key` on POST: the first request with a key is run and its response kept for 24 hours;
 * a retry with the same key and the same body gets that response again (`Idempotent-Replayed: true`)
 * without the work being done twice; the same key with a different body is a 409. Keys are scoped to
 * the caller (tenant, admin, device), and a request that ended in a 5xx releases its key so a retry
 * can run. A key whose first request died with its process is taken over after `abandonAfterMs`.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { and, eq, lt, or } from 'drizzle-orm';
import type { Context, MiddlewareHandler } from 'hono';
import type { Db } from '../db/database.js';
import { idempotencyKeys } from '../db/schema.js';
import { scopeOf } from '../auth/principal.js';
import type { AppEnv } from './app-env.js';
import { stagedFileOf } from './multipart-stream.js';
import { ApiProblem } from './problem.js';

const KEPT_HEADERS = ['content-type', 'location'];
const DAY_MS = 24 * 60 * 60 * 1000;

/** A digest of what the request asks for; multipart bodies are compared by fields and file contents. */
async function fingerprint(c: Context<AppEnv>): Promise<string> {
  const hash = createHash('sha256').update(`${c.req.method} ${c.req.path}\n`);
  const type = c.req.header('content-type') ?? '';
  if (type.toLowerCase().startsWith('multipart/form-data')) {
    let form: FormData;
    try {
      // A thenable where the body is streamed (multipart-stream.ts), so awaited rather than `.catch`ed.
      form = await c.req.formData();
    } catch (error) {
      if (error instanceof ApiProblem) throw error; // e.g. the streamed parser's 413 or 400
      throw new ApiProblem(
        400,
        'VALIDATION_ERROR',
        `body: malformed multipart/form-data (${(error as Error).message})`,
        {
          details: [{ path: 'body', message: 'malformed multipart/form-data' }],
        },
      );
    }
    const parts: string[] = [];
    for (const [name, value] of form.entries()) {
      if (typeof value === 'string') parts.push(`${name}=${value}`);
      else {
        // A staged upload was hashed as it arrived; anything else is hashed a chunk at a time.
        let digest = stagedFileOf(value)?.checksum;
        if (!digest) {
          const hashing = createHash('sha256');
          for await (const chunk of Readable.fromWeb(value.stream() as never)) hashing.update(chunk as Buffer);
          digest = `sha256:${hashing.digest('hex')}`;
        }
        parts.push(`${name}=file:${value.name}:${digest}`);
      }
    }
    hash.update(parts.sort().join('\n'));
  } else {
    hash.update(`${type}\n`).update(await c.req.text());
  }
  return hash.digest('hex');
}

export function idempotency(db: Db, now: () => Date, abandonAfterMs = 10 * 60 * 1000): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const key = c.req.header('idempotency-key');
    if (key === undefined) return next();
    if (key.length === 0 || key.length > 255) {
      throw new ApiProblem(400, 'VALIDATION_ERROR', 'header.Idempotency-Key: must be 1 to 255 characters', {
        details: [{ path: 'header.Idempotency-Key', message: 'must be 1 to 255 characters' }],
      });
    }
    const scope = scopeOf(c.get('principal'));
    const print = await fingerprint(c);
    const at = now();
    const abandonedBefore = new Date(at.getTime() - abandonAfterMs);

    // Claim the key: a new row, or take over one that expired or whose request was abandoned.
    const claimed = await db
      .insert(idempotencyKeys)
      .values({
        scope,
        key,
        fingerprint: print,
        state: 'processing',
        createdAt: at,
        expiresAt: new Date(at.getTime() + DAY_MS),
      })
      .onConflictDoUpdate({
        target: [idempotencyKeys.scope, idempotencyKeys.key],
        set: {
          fingerprint: print,
          state: 'processing',
          responseStatus: null,
          responseBody: null,
          responseHeaders: null,
          createdAt: at,
          expiresAt: new Date(at.getTime() + DAY_MS),
        },
        setWhere: or(
          lt(idempotencyKeys.expiresAt, at),
          and(
            eq(idempotencyKeys.state, 'processing'),
            lt(idempotencyKeys.createdAt, abandonedBefore),
            eq(idempotencyKeys.fingerprint, print),
          ),
        ),
      })
      .returning({ key: idempotencyKeys.key });

    if (claimed.length === 0) {
      const [existing] = await db
        .select()
        .from(idempotencyKeys)
        .where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key)));
      if (!existing)
        throw new ApiProblem(409, 'IDEMPOTENCY_KEY_IN_USE', `Idempotency-Key '${key}' is being released; retry`, {
          headers: { 'Retry-After': '1' },
        });
      if (existing.fingerprint !== print) {
        throw new ApiProblem(
          409,
          'IDEMPOTENCY_KEY_REUSED',
          `Idempotency-Key '${key}' was already used with a different request; use a new key for a new request`,
        );
      }
      if (existing.state === 'processing') {
        throw new ApiProblem(
          409,
          'IDEMPOTENCY_KEY_IN_USE',
          `A request with Idempotency-Key '${key}' is still running; retry shortly`,
          {
            headers: { 'Retry-After': '1' },
          },
        );
      }
      const headers = new Headers(existing.responseHeaders ?? {});
      headers.set('Idempotent-Replayed', 'true');
      headers.set('X-Request-Id', c.get('requestId'));
      return new Response(existing.responseBody, { status: existing.responseStatus ?? 200, headers });
    }

    await next();
    const response = c.res;
    const where = and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key));
    if (response.status >= 500) {
      await db.delete(idempotencyKeys).where(where);
      return;
    }
    const kept = Object.fromEntries(
      KEPT_HEADERS.flatMap((name) => (response.headers.has(name) ? [[name, response.headers.get(name)!]] : [])),
    );
    const body = response.status === 204 ? null : await response.clone().text();
    await db
      .update(idempotencyKeys)
      .set({ state: 'completed', responseStatus: response.status, responseBody: body, responseHeaders: kept })
      .where(where);
  };
}

/** Deletes expired keys; called periodically by the server. */
export async function purgeExpiredIdempotencyKeys(db: Db, now: Date): Promise<number> {
  const deleted = await db
    .delete(idempotencyKeys)
    .where(lt(idempotencyKeys.expiresAt, now))
    .returning({ key: idempotencyKeys.key });
  return deleted.length;
}
