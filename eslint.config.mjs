// Lint = the folder boundaries of issue #17, checked by test/lint/boundaries.test.ts (npm test) and `npm run lint`.
// Direction: cli/server -> domains (metrics, planning, import, sync, auth, limits, demo) -> api, db, config, time, data,
// logging, shared; the forecasting library imports nothing of src/.
import tseslint from 'typescript-eslint';
import { importX } from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

const DOMAINS = ['metrics', 'planning', 'import', 'sync', 'auth', 'limits', 'demo'];
const BASE = ['api', 'db', 'config', 'time', 'data', 'logging', 'shared'];
const ENTRY = ['server', 'cli'];

const src = (folder) => `./src/${folder}`;
const zones = [
  {
    target: './forecasting',
    from: './src',
    message: 'the forecasting library imports nothing of src/ (pass what it needs as arguments)',
  },
  ...BASE.map((folder) => ({
    target: src(folder),
    from: [...DOMAINS, ...ENTRY].map(src),
    message: `src/${folder} is below the domains: move the shared piece down, or let the caller pass it in`,
  })),
  ...DOMAINS.map((folder) => ({
    target: src(folder),
    from: ENTRY.map(src),
    message: `src/${folder} is a domain: it does not import the server or the CLI`,
  })),
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'dashboard/**', 'coverage/**'] },
  {
    files: ['src/**/*.ts', 'forecasting/**/*.ts'],
    extends: [tseslint.configs.recommended],
    plugins: { 'import-x': importX },
    languageOptions: { parser: tseslint.parser },
    settings: {
      // How import-x parses the files it follows (no-cycle reads every imported module).
      'import-x/extensions': ['.ts'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
    },
    rules: {
      // type-graphql takes resolver and argument classes as `Function` (its NonEmptyArray<Function>).
      '@typescript-eslint/no-unsafe-function-type': 'off',
      // `for (const _ of text)` counts code points.
      '@typescript-eslint/no-unused-vars': ['error', { varsIgnorePattern: '^_', argsIgnorePattern: '^_' }],
      'import-x/no-cycle': 'error',
      'import-x/no-restricted-paths': ['error', { zones }],
    },
  },
  {
    // The forecasting scripts are programs that run the library on the project's data, not the library itself.
    files: ['forecasting/scripts/**/*.ts'],
    rules: { 'import-x/no-restricted-paths': ['error', { zones: zones.filter((z) => z.target !== './forecasting') }] },
  },
  {
    // ApiContext is the typed bag each domain's resolvers read, so it names the domains' types; run-time imports of
    // domain code stay forbidden here (server/request-context.ts builds the context).
    files: ['src/api/context.ts'],
    rules: {
      'import-x/no-restricted-paths': ['error', { zones: zones.filter((z) => z.target !== src('api')) }],
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: `^(\\.\\./)+(${[...DOMAINS, ...ENTRY].join('|')})(/|$)`,
              allowTypeImports: true,
              message: 'api/context.ts may name domain types (import type) but not run domain code',
            },
          ],
        },
      ],
    },
  },
);
