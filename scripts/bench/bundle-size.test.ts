/** The SDK tree-shakes: one models call does not drag in other operations, other areas or Node-only code. */
import { describe, expect, it } from 'vitest';
import { bundle as bundleBytes } from './bundle-size.js';

const bundle = async (contents: string) => new TextDecoder().decode(await bundleBytes(contents, { minify: false }));

describe('SDK tree-shaking', () => {
  it('createClient + getModel ships only that operation', async () => {
    const code = await bundle(`import { createClient } from '@computeplane/sdk';
import { getModel } from '@computeplane/sdk/models';
export const run = () => getModel(createClient(), { params: { path: { id: 'model_x' } } });`);
    expect(code).toContain('/api/v1/models/{id}');
    expect(code).not.toContain('/api/v1/models/{id}/schema');
    expect(code).not.toContain('/api/v1/admin');
    expect(code).not.toContain('/api/v1/health');
    expect(code).not.toContain('node:fs');
    expect(code).not.toContain('paginate');
  });

  it('uploadModel loads node:fs lazily, only for file paths', async () => {
    const code = await bundle(`import { createClient } from '@computeplane/sdk';
import { uploadModel } from '@computeplane/sdk/models';
export const run = (file) => uploadModel(createClient(), { model: file });`);
    expect(code).toMatch(/import\(["']node:fs["']\)/);
    expect(code).not.toMatch(/^import .* from ["']node:fs["']/m);
  });
});
