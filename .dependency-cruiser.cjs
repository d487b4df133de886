/**
 * dependency-cruiser rules for packages/server/src (`npm run lint:deps`). The paths are the target layout:
 * platform/ (shared infrastructure), modules/<x>/ (one feature each, with http/ for its routes), providers/
 * (GPU provider adapters) and generated/ (npm run codegen). Rules about folders that do not exist yet pass.
 */
const src = '^packages/server/src';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'No import cycles. The zod translator of scripts/codegen/zod recurses through its own files, so cycles inside it are allowed.',
      from: { pathNot: '^scripts/codegen/zod/' },
      to: { circular: true },
    },
    {
      name: 'platform-not-to-modules',
      severity: 'error',
      comment: 'platform/ is below the modules: it must not import any of them.',
      from: { path: `${src}/platform/` },
      to: { path: `${src}/modules/` },
    },
    {
      name: 'http-not-to-persistence',
      severity: 'error',
      comment: "A module's http/ layer goes through its service: no repositories, no drizzle-orm, no database schema.",
      from: { path: `${src}/modules/[^/]+/http/` },
      to: { path: ['-repository\\.ts$', '(^|/)node_modules/drizzle-orm/', `${src}/platform/db/schema(\\.ts$|/)`] },
    },
    {
      name: 'module-boundaries',
      severity: 'error',
      comment:
        "A module imports only platform/, providers/, generated/, its own folder, and another module's module.ts.",
      from: { path: `${src}/modules/([^/]+)/` },
      to: {
        path: `${src}/`,
        pathNot: [`${src}/(platform|providers|generated)/`, `${src}/modules/$1/`, `${src}/modules/[^/]+/module\\.ts$`],
      },
    },
    {
      name: 'providers-not-to-modules',
      severity: 'error',
      comment: 'Provider adapters know nothing of the modules that use them.',
      from: { path: `${src}/providers/` },
      to: { path: `${src}/modules/` },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)dist/' },
    // Type-only imports count: they couple layers as much as value imports do.
    tsPreCompilationDeps: true,
    // No tsConfig: dependency-cruiser 17 misresolves the relative `extends` of packages/server/tsconfig.json; the
    // default resolution already maps the `.js` specifiers of the sources to their `.ts` files.
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
