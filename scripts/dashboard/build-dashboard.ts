/**
 * Builds the web dashboard (packages/server/web/dashboard) into `<out>` (default `<repo>/site/dashboard`,
 * served by the server at /dashboard): one esbuild bundle with uPlot inside, its CSS, and the page.
 * Nothing refers to another host, so the dashboard works offline.
 */
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { build } from 'esbuild';
import { repoRoot } from '../lib/specs.js';

const source = join(repoRoot, 'packages/server/web/dashboard');

export async function buildDashboard(out = join(repoRoot, 'site/dashboard')): Promise<string> {
  await mkdir(out, { recursive: true });
  await build({
    entryPoints: [join(source, 'main.ts')],
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'es2022',
    outfile: join(out, 'app.js'),
    logLevel: 'warning',
  });
  const uplotCss = await readFile(createRequire(import.meta.url).resolve('uplot/dist/uPlot.min.css'), 'utf8');
  await writeFile(join(out, 'app.css'), `${uplotCss}\n${await readFile(join(source, 'style.css'), 'utf8')}`);
  await copyFile(join(source, 'index.html'), join(out, 'index.html'));
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const out = await buildDashboard(process.argv[2]);
  console.log(`dashboard built in ${out}`);
}
