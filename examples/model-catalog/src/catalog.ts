/**
 * The example application's logic: register model files (skipping ones already stored, by checksum)
 * and summarise the tenant's catalog. It only talks to Computeplane through the SDK.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { NotFoundError, unwrap, type Computeplane } from '@computeplane/sdk';
import { getModel, iterateModels, uploadModel, type Model } from '@computeplane/sdk/models';

export interface CatalogEntry {
  id: string;
  name: string;
  runnable: boolean;
  signature: string;
}

/** Uploads `path` unless a model with the same sha256 is already stored; returns the stored model. */
export async function registerModel(
  client: Computeplane,
  path: string,
  labels?: string[],
): Promise<{ model: Model; created: boolean }> {
  const checksum = `sha256:${createHash('sha256')
    .update(await readFile(path))
    .digest('hex')}`;
  for await (const model of iterateModels(client)) {
    if (model.checksum === checksum) return { model, created: false };
  }
  const model = await unwrap(uploadModel(client, { model: path, ...(labels ? { labels } : {}) }));
  return { model, created: true };
}

export async function catalog(client: Computeplane): Promise<CatalogEntry[]> {
  const entries: CatalogEntry[] = [];
  for await (const model of iterateModels(client)) {
    const tensors = (list: Model['inputs']) => list.map((t) => `${t.name}:${t.type}[${t.shape.join(',')}]`).join(' ');
    entries.push({
      id: model.id,
      name: model.name,
      runnable: model.executable,
      signature: model.executable
        ? `${tensors(model.inputs)} -> ${tensors(model.outputs)}`
        : (model.execution_note ?? 'not executable'),
    });
  }
  return entries.sort((a, b) => a.name.localeCompare(b.name));
}

/** True when the model exists for this tenant; a 404 is an answer, not an error. */
export async function modelExists(client: Computeplane, id: string): Promise<boolean> {
  const { error } = await getModel(client, { params: { path: { id } } });
  if (!error) return true;
  if (error instanceof NotFoundError) return false;
  throw error;
}
