// @ts-check
// ESLint 9 flat config: eslint's and typescript-eslint's recommended rules (not type-checked), tuned to this codebase.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  globalIgnores([
    '**/node_modules/',
    '**/dist/',
    'site/',
    'reports/',
    'data/',
    'coverage/',
    '.tmp/',
    'packages/*/src/generated/', // npm run codegen
  ]),
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      // `_name` marks a deliberately unused binding: a rest-destructuring omission or a positional parameter.
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      // `Paths extends {}` mirrors openapi-fetch's own constraint on its generated `paths` types.
      '@typescript-eslint/no-empty-object-type': ['error', { allowObjectTypes: 'always' }],
    },
  },
  // The web dashboard runs in the browser.
  { files: ['packages/server/web/**/*.ts'], languageOptions: { globals: { ...globals.browser } } },
);
