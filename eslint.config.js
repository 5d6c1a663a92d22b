// ESLint flat config. Layering and determinism bans are errors here, and `npm test` runs lint,
// so a violation fails CI (STYLE.md items 2 and 6). test/lint/lint-rules.test.ts proves they fire.
import { builtinModules } from 'node:module'
import { defineConfig } from 'eslint/config'
import globals from 'globals'
import tseslint from 'typescript-eslint'

/** Bare and `node:`-prefixed Node built-ins (`fs`, `fs/promises`, `node:fs`, ...). */
const NODE_BUILTINS = [...new Set(builtinModules.filter((m) => !m.startsWith('_')))]
const nodeImportRestrictions = {
  paths: NODE_BUILTINS.map((name) => ({
    name,
    message: 'Node built-ins are not allowed in this layer.',
  })),
  patterns: [{ group: ['node:*'], message: 'Node built-ins are not allowed in this layer.' }],
}

const UI_AND_HOST_PACKAGES = ['electron', 'react', 'react-dom', 'zustand', 'cytoscape']

const engineImportRestrictions = {
  paths: [
    ...UI_AND_HOST_PACKAGES.map((name) => ({
      name,
      message: 'engine/ is pure TypeScript: no Electron, UI or DOM packages (STYLE.md item 6).',
    })),
    ...nodeImportRestrictions.paths.map((p) => ({
      ...p,
      message: 'engine/ imports no Node module; pass host services in (STYLE.md item 6).',
    })),
  ],
  patterns: [
    {
      group: UI_AND_HOST_PACKAGES.map((name) => `${name}/*`),
      message: 'engine/ is pure TypeScript: no Electron, UI or DOM packages (STYLE.md item 6).',
    },
    {
      group: ['node:*'],
      message: 'engine/ imports no Node module; pass host services in (STYLE.md item 6).',
    },
    {
      group: ['**/main', '**/main/**', '**/preload', '**/preload/**', '**/renderer', '**/renderer/**'],
      message: 'engine/ must not reach into main/, preload/ or renderer/ (STYLE.md item 2).',
    },
  ],
}

const ENGINE_BANNED_GLOBALS = [
  ['Date', 'wall-clock time'],
  ['setTimeout', 'timers'],
  ['setInterval', 'timers'],
  ['setImmediate', 'timers'],
  ['clearTimeout', 'timers'],
  ['clearInterval', 'timers'],
  ['clearImmediate', 'timers'],
  ['queueMicrotask', 'scheduling'],
  ['crypto', 'entropy'],
  ['process', 'the host environment'],
  ['performance', 'wall-clock time'],
  ['window', 'the DOM'],
  ['document', 'the DOM'],
  ['navigator', 'the host environment'],
  ['fetch', 'I/O'],
  ['Buffer', 'Node APIs (use Uint8Array)'],
  ['require', 'CommonJS loading (use static imports)'],
  ['global', 'global state'],
  ['globalThis', 'global state'],
  ['self', 'global state'],
].map(([name, what]) => ({
  name,
  message: `engine/ must not depend on ${what}: pass it in through EngineConfig (STYLE.md item 6).`,
}))

export default defineConfig(
  {
    ignores: [
      '**/node_modules/**',
      'out/**',
      'dist/**',
      'bench/results/**',
      'test-results/**',
      '**/.vite/**',
    ],
  },
  {
    linterOptions: { reportUnusedDisableDirectives: 'warn' },
  },
  // TypeScript: parser only, plus a small rule set (no type-aware rules: fast and quiet).
  {
    files: ['**/*.{ts,tsx,mts,cts}'],
    languageOptions: {
      parser: tseslint.parser,
      ecmaVersion: 2022,
      sourceType: 'module',
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'warn',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      'no-debugger': 'error',
    },
  },
  // Node-side code: Electron main, preload, scripts, tests, tool configs.
  {
    files: ['main/**', 'preload/**', 'scripts/**', 'test/**', '*.{js,mjs,cjs,ts}'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', message: 'renderer/ talks to main only through window.echo (STYLE.md item 4).' },
            ...nodeImportRestrictions.paths,
          ],
          patterns: [
            { group: ['electron/*'], message: 'renderer/ talks to main only through window.echo (STYLE.md item 4).' },
            ...nodeImportRestrictions.patterns,
          ],
        },
      ],
    },
  },
  // Engine purity (STYLE.md item 6): no host, UI or Node imports, no clock, entropy or timers.
  {
    files: ['engine/**'],
    rules: {
      'no-restricted-imports': ['error', engineImportRestrictions],
      'no-restricted-globals': ['error', ...ENGINE_BANNED_GLOBALS],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'engine/ must not read the wall clock.' },
        { object: 'Math', property: 'random', message: 'engine/ must not use unseeded randomness.' },
        { object: 'performance', property: 'now', message: 'engine/ must not read the clock.' },
      ],
      'no-restricted-syntax': [
        'error',
        {
          // Dynamic import() escapes no-restricted-imports; allow only relative, literal paths.
          selector: "ImportExpression:not([source.type='Literal'][source.value=/^\\.\\.?\\//])",
          message: 'engine/ may use dynamic import() only with a literal relative path.',
        },
        {
          selector: "ImportExpression[source.value=/(^|\\/)(main|preload|renderer)(\\/|$)/]",
          message: 'engine/ must not reach into main/, preload/ or renderer/ (STYLE.md item 2).',
        },
      ],
    },
  },
)
