/**
 * `npm run docs`: builds the offline docs site into site/ from the hand-maintained specs: an index,
 * one Redoc page per area (spec inlined), the bundled specs as JSON, and Redoc's standalone bundle
 * copied from node_modules. The server serves the result at /docs.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bundleAll, repoRoot } from '../lib/specs.js';
import { renderAreaPage, renderIndex, type AreaSummary } from './render-page.js';

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

/** Redoc's sidebar footer loads its logo from cdn.redoc.ly; the copy we ship uses a local inline image. */
const REDOC_CDN_LOGO = 'https://cdn.redoc.ly/redoc/logo-mini.svg';
const LOCAL_LOGO =
  "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Crect width='16' height='16' rx='3' fill='%2394a3b8'/%3E%3C/svg%3E";

/** Redoc's bundle with its one runtime reference to another host (the footer logo) made local. */
export function offlineRedoc(bundle: string): string {
  if (!bundle.includes(REDOC_CDN_LOGO)) return bundle;
  return bundle.replaceAll(REDOC_CDN_LOGO, LOCAL_LOGO);
}

/** Builds the site into `outDir` (replacing what is there) and returns the areas it documents. */
export async function buildSite(outDir: string = join(repoRoot, 'site')): Promise<{ areas: string[] }> {
  const docs = await bundleAll();
  await rm(outDir, { recursive: true, force: true });
  await mkdir(join(outDir, 'assets'), { recursive: true });
  await mkdir(join(outDir, 'openapi'), { recursive: true });
  const redoc = createRequire(import.meta.url).resolve('redoc/bundles/redoc.standalone.js');
  await writeFile(join(outDir, 'assets/redoc.standalone.js'), offlineRedoc(await readFile(redoc, 'utf8')));

  const summaries: AreaSummary[] = [];
  for (const [area, spec] of Object.entries(docs)) {
    const operations = Object.values(spec.paths).flatMap((item) => METHODS.filter((method) => method in item)).length;
    const summary = { area, title: spec.info.title, description: String(spec.info.description ?? ''), operations };
    summaries.push(summary);
    await writeFile(join(outDir, `${area}.html`), renderAreaPage(summary, spec));
    await writeFile(join(outDir, 'openapi', `${area}.json`), `${JSON.stringify(spec, null, 2)}\n`);
  }
  const version = Object.values(docs)[0]?.info.version ?? '0.0.0';
  await writeFile(join(outDir, 'index.html'), renderIndex(summaries, version));
  return { areas: summaries.map((s) => s.area) };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const { areas } = await buildSite();
  console.log(`docs: site/ built for ${areas.join(', ')}`);
}
