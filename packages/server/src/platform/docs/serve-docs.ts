/**
 * Serves the built offline docs site (`npm run docs` writes it to `<repo>/site`) under /docs.
 * Plain files from one directory, with path traversal refused and a JSON 404 that says how to build it.
 */
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import type { Context } from 'hono';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.yaml': 'application/yaml; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/** `<repo>/site`, from this module's place in packages/server/{src,dist}/platform/docs/. */
export function defaultSiteDir(): string {
  return resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../../../site');
}

/** The request id set by the app's request-context middleware, when these routes run inside the app. */
function requestIdOf(c: Context): string {
  const fromContext = (c.get as (key: string) => unknown)('requestId');
  if (typeof fromContext === 'string') return fromContext;
  return c.res.headers.get('x-request-id') ?? '';
}

/** The site-relative file a request asks for, or undefined when it is malformed or leaves the site. */
function siteFile(root: string, mountPath: string, requestPath: string): string | undefined {
  let relative: string;
  try {
    relative = decodeURIComponent(requestPath.slice(mountPath.length).replace(/^\/+/, ''));
  } catch {
    return undefined; // malformed percent-escape
  }
  if (relative.includes('\0')) return undefined;
  const path = normalize(join(root, relative || 'index.html'));
  const file = path.endsWith(sep) ? join(path, 'index.html') : path;
  return file.startsWith(root + sep) ? file : undefined;
}

export function createDocsRoutes(siteDir: string, options: { build?: string; csp?: string } = {}): Hono {
  const buildCommand = options.build ?? 'npm run docs';
  const root = resolve(siteDir);
  const docs = new Hono();
  docs.get('/*', async (c) => {
    // routePath is the mounted pattern, e.g. `/docs/*`: what precedes `/*` is where the site lives.
    const mountPath = c.req.routePath.replace(/\/\*$/, '');
    const file = siteFile(root, mountPath, c.req.path);
    const found = file
      ? await stat(file).then(
          (s) => s.isFile(),
          () => false,
        )
      : false;
    if (!file || !found) {
      const message = `No page at ${c.req.path}. Build it with ${buildCommand}.`;
      return c.json({ error: { code: 'NOT_FOUND', message, request_id: requestIdOf(c) } }, 404);
    }
    c.header('Content-Type', TYPES[extname(file)] ?? 'application/octet-stream');
    c.header('Cache-Control', 'no-cache');
    c.header('X-Content-Type-Options', 'nosniff');
    if (options.csp) c.header('Content-Security-Policy', options.csp);
    const body = await readFile(file);
    if (c.req.path === mountPath && mountPath !== '') {
      // The index answered at `/docs` (no trailing slash): its relative links (`models.html`) would
      // resolve against `/`, so point them at the site directory with a <base> of `docs/`.
      const base = `<base href="${mountPath.slice(mountPath.lastIndexOf('/') + 1)}/">`;
      return c.body(body.toString('utf8').replace(/<head>/i, `<head>\n${base}`));
    }
    return c.body(new Uint8Array(body));
  });
  return docs;
}
