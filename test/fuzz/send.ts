/**
 * One fuzz request on the wire: path values and query values given already URL-encoded (so a test can
 * send what a browser would never build), headers, and a JSON or multipart body; the answer read back
 * with its status, content type and parsed body.
 */
import { fixtureBytes } from '@computeplane/test-support/fixtures';

export type Body =
  | { kind: 'none' }
  | { kind: 'raw'; contentType: string; text: string }
  | {
      kind: 'multipart';
      fields: Record<string, unknown>;
      files: Record<string, string>;
      encoding: Record<string, string>;
    };

export interface FuzzRequest {
  method: string;
  path: string;
  /** Raw (encoded) values of the path's `{name}` segments. */
  pathValues: Record<string, string>;
  /** Raw (encoded) query pairs. */
  query: [string, string][];
  headers: Record<string, string>;
  body: Body;
}

export interface FuzzResponse {
  status: number;
  contentType: string | null;
  headers: Headers;
  body: unknown;
  text: string;
}

export const urlOf = (request: FuzzRequest) => {
  const path = request.path.replace(/\{([^}]+)\}/g, (_, name: string) => request.pathValues[name] ?? `{${name}}`);
  const query = request.query.map(([name, value]) => `${encodeURIComponent(name)}=${value}`).join('&');
  return query ? `${path}?${query}` : path;
};

export async function send(baseUrl: string, request: FuzzRequest): Promise<FuzzResponse> {
  const headers = new Headers(request.headers);
  let body: BodyInit | undefined;
  if (request.body.kind === 'raw') {
    headers.set('Content-Type', request.body.contentType);
    body = request.body.text;
  } else if (request.body.kind === 'multipart') {
    body = formOf(request.body);
  }
  const response = await fetch(`${baseUrl}${urlOf(request)}`, {
    method: request.method.toUpperCase(),
    headers,
    ...(body !== undefined ? { body } : {}),
    redirect: 'manual',
  });
  const contentType = response.headers.get('content-type');
  if (contentType?.startsWith('application/octet-stream')) {
    const bytes = await response.arrayBuffer();
    return {
      status: response.status,
      contentType,
      headers: response.headers,
      body: bytes,
      text: `<${bytes.byteLength} bytes>`,
    };
  }
  const text = await response.text();
  let parsed: unknown = text;
  if (contentType?.includes('json') && text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new Error(
        `${request.method} ${urlOf(request)}: ${response.status} with invalid JSON: ${text.slice(0, 200)}`,
      );
    }
  }
  return { status: response.status, contentType, headers: response.headers, body: parsed, text };
}

/** Multipart as the spec's `encoding` says: JSON-typed parts as JSON text, files from fixtures/models (or ../datasets). */
function formOf(body: Extract<Body, { kind: 'multipart' }>): FormData {
  const form = new FormData();
  for (const [name, fixture] of Object.entries(body.files))
    form.set(name, new Blob([fixtureBytes(fixture)]), fixture.replace(/^.*\//, ''));
  for (const [name, value] of Object.entries(body.fields)) form.set(name, multipartText(value, body.encoding[name]));
  return form;
}

export function multipartText(value: unknown, contentType: string | undefined): string {
  return contentType?.includes('json') || typeof value !== 'string' ? JSON.stringify(value) : value;
}

/** A short description of a request for failure messages. */
export function describeRequest(request: FuzzRequest): string {
  const body =
    request.body.kind === 'raw'
      ? ` ${request.body.contentType} ${request.body.text.slice(0, 400)}`
      : request.body.kind === 'multipart'
        ? ` multipart files=${JSON.stringify(request.body.files)} fields=${JSON.stringify(request.body.fields).slice(0, 400)}`
        : '';
  const auth = Object.keys(request.headers).filter((name) => /key|token|authorization/i.test(name));
  return `${request.method.toUpperCase()} ${urlOf(request).slice(0, 300)} [${auth.join(',') || 'no credential'}]${body}`;
}
