/**
 * The `computeplane` binary as one file: esbuild bundles tsc's packages/cli/dist/main.js with the SDK and
 * commander into packages/cli/dist/computeplane.js (the package's `bin`), so a command loads one module
 * instead of a hundred; `npm run bench:cli` measures both. The display libraries stay outside the bundle:
 * they load lazily (core/lazy-require.ts), only when a terminal shows a bar, a table or a chart.
 */
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const dist = (file: string) => fileURLToPath(new URL(`../../packages/cli/dist/${file}`, import.meta.url));

await build({
  entryPoints: [dist('main.js')],
  outfile: dist('computeplane.js'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['asciichart', 'cli-progress', 'cli-table3', 'log-update'],
  // commander is CommonJS: its require() calls of node built-ins need a require in the ES module.
  banner: {
    js: "import { createRequire as cpCreateRequire } from 'node:module';\nconst require = cpCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
