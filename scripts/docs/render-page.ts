/**
 * HTML templates of the docs site: the index of API areas and one Redoc page per area with the
 * bundled spec inlined. Everything is local: the Redoc bundle sits next to the pages, fonts are the
 * system's, and nothing is fetched from another host.
 */
import type { OpenApiDocument } from '../lib/specs.js';

export interface AreaSummary {
  area: string;
  title: string;
  description: string;
  operations: number;
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);

/** JSON that is safe inside a <script> element: no `</script>`, no `<!--`. */
export const inlineJson = (value: unknown) =>
  JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');

const SYSTEM_FONTS = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";
const MONO_FONTS = "ui-monospace, SFMono-Regular, Menlo, Consolas, 'Liberation Mono', monospace";

/** Belt and braces for "offline": the browser may load nothing from any other origin. */
const CSP =
  "default-src 'self'; script-src 'self' 'unsafe-inline' blob:; worker-src 'self' blob:; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'";

const redocOptions = {
  theme: {
    typography: { fontFamily: SYSTEM_FONTS, headings: { fontFamily: SYSTEM_FONTS }, code: { fontFamily: MONO_FONTS } },
    sidebar: { width: '280px' },
  },
  expandResponses: '200,201',
  jsonSampleExpandLevel: 3,
  hideHostname: true,
};

/** One area's Redoc page: the spec inlined as JSON, Redoc loaded from `assets/`, system fonts only. */
export function renderAreaPage(summary: AreaSummary, spec: OpenApiDocument): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<title>${escapeHtml(summary.title)} · Computeplane API</title>
<style>body { margin: 0; } .cp-nav { font: 14px ${SYSTEM_FONTS}; padding: 8px 16px; background: #0f172a; } .cp-nav a { color: #e2e8f0; text-decoration: none; }</style>
</head>
<body>
<nav class="cp-nav"><a href="index.html">← All Computeplane APIs</a></nav>
<div id="redoc"></div>
<script id="openapi-spec" type="application/json">${inlineJson(spec)}</script>
<script src="assets/redoc.standalone.js"></script>
<script>
  Redoc.init(JSON.parse(document.getElementById('openapi-spec').textContent), ${inlineJson(redocOptions)}, document.getElementById('redoc'));
</script>
</body>
</html>
`;
}

/** The landing page: every area with its title, first description line and operation count. */
export function renderIndex(areas: AreaSummary[], version: string): string {
  const rows = areas
    .map(
      (
        a,
      ) => `<li><a href="${escapeHtml(a.area)}.html">${escapeHtml(a.title)}</a> <span class="count">${a.operations} operations</span>
<p>${escapeHtml(a.description.split('\n')[0] ?? '')}</p>
<p class="files"><a href="openapi/${escapeHtml(a.area)}.json">${escapeHtml(a.area)}.json</a></p></li>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>Computeplane API reference</title>
<style>
  body { font: 16px/1.5 ${SYSTEM_FONTS}; max-width: 760px; margin: 40px auto; padding: 0 16px; color: #0f172a; }
  li { margin-bottom: 20px; list-style: none; } ul { padding: 0; } .count, .files { color: #64748b; font-size: 14px; }
  a { color: #2563eb; } h1 { margin-bottom: 4px; }
</style>
</head>
<body>
<h1>Computeplane API reference</h1>
<p>Version ${escapeHtml(version)}. One spec per API area; every page works offline.</p>
<ul>
${rows}
</ul>
</body>
</html>
`;
}
