/**
 * The Hugging Face Hub's documented HTTP API, as its own tools use it: the endpoint from `HF_ENDPOINT`
 * (default https://huggingface.co) and the token from `HF_TOKEN` (sent as `Authorization: Bearer`). A repo's
 * files come from `GET /api/models/{repo}/revision/{revision}?blobs=true` (`siblings`: `rfilename`, `size`,
 * and for LFS files `lfs.sha256`); a file is `GET /{repo}/resolve/{revision}/{path}`, Range supported.
 */
import { ApiProblem } from '../../../platform/http/problem.js';

export interface HubFile {
  path: string;
  size: number | null;
  sha256: string | null;
}

interface Sibling {
  rfilename?: unknown;
  size?: unknown;
  lfs?: { sha256?: unknown; size?: unknown } | null;
}

const encodePath = (path: string) => path.split('/').map(encodeURIComponent).join('/');

export function hubClient(options: { endpoint: string; token?: string; fetch?: typeof fetch; timeoutMs?: number }) {
  const doFetch = options.fetch ?? fetch;
  const base = options.endpoint.replace(/\/+$/, '');
  const headers = (): Record<string, string> => (options.token ? { authorization: `Bearer ${options.token}` } : {});
  return {
    headers,
    fileUrl: (repo: string, revision: string, path: string) =>
      `${base}/${repo}/resolve/${encodeURIComponent(revision)}/${encodePath(path)}`,
    async listFiles(repo: string, revision: string): Promise<HubFile[]> {
      let response: Response;
      try {
        response = await doFetch(`${base}/api/models/${repo}/revision/${encodeURIComponent(revision)}?blobs=true`, {
          headers: headers(),
          signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
        });
      } catch (error) {
        throw new ApiProblem(
          503,
          'PROVIDER_UNAVAILABLE',
          `the model hub at ${base} did not answer: ${(error as Error).message}`,
        );
      }
      if (response.status === 401 || response.status === 403 || response.status === 404)
        throw new ApiProblem(
          404,
          'NOT_FOUND',
          `repo_id: '${repo}' (revision ${revision}) is not on the model hub at ${base}, or not readable with this server's HF_TOKEN (${response.status})`,
        );
      if (!response.ok)
        throw new ApiProblem(503, 'PROVIDER_UNAVAILABLE', `the model hub at ${base} answered ${response.status}`);
      const body = (await response.json().catch(() => ({}))) as { siblings?: Sibling[] };
      return (body.siblings ?? [])
        .filter((sibling): sibling is Sibling & { rfilename: string } => typeof sibling.rfilename === 'string')
        .map((sibling) => ({
          path: sibling.rfilename,
          size:
            typeof sibling.lfs?.size === 'number'
              ? sibling.lfs.size
              : typeof sibling.size === 'number'
                ? sibling.size
                : null,
          sha256:
            typeof sibling.lfs?.sha256 === 'string' && /^[0-9a-f]{64}$/.test(sibling.lfs.sha256)
              ? sibling.lfs.sha256
              : null,
        }));
    },
  };
}

export type HubClient = ReturnType<typeof hubClient>;
