// Lint enforces the house rules that were kept by discipline only: the layers of DESIGN's
// layout. Type checking stays with tsc (npm run typecheck); this config adds what tsc cannot see.
import tseslint from 'typescript-eslint';

/** Imports a layer must not make: module specifiers or glob patterns, each with the reason shown to whoever breaks it. */
const forbid = (patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

const NODE_BUILTINS = { group: ['node:*'], message: 'This layer runs outside Node (the browser renderer, or types shared with it): no Node built-ins.' };
const ELECTRON = { group: ['electron', 'electron/*'], message: 'Only src/main/index.ts, src/main/ipc.ts and the preload touch Electron: the core runs headless (serve, tests).' };

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-artifacts/**', 'docs/**'] },
  {
    files: ['**/*.{ts,tsx,mts,mjs}'],
    languageOptions: { parser: tseslint.parser, ecmaVersion: 2023, sourceType: 'module' },
    // Registered so that eslint-disable comments naming its rules resolve; none is switched on here.
    plugins: { '@typescript-eslint': tseslint.plugin },
    linterOptions: { reportUnusedDisableDirectives: 'off' },
  },
  {
    // src/shared: types and pure helpers both sides use; it imports nothing of main, renderer or preload.
    files: ['src/shared/**/*.ts'],
    rules: forbid([
      { group: ['**/main/**', '**/renderer/**', '**/preload/**'], message: 'src/shared imports nothing of main, renderer or preload: move the shared part into src/shared.' },
      NODE_BUILTINS,
      ELECTRON,
    ]),
  },
  {
    // The renderer talks to the core only through the control-API interface typed in src/shared.
    files: ['src/renderer/**/*.{ts,tsx}'],
    rules: forbid([
      { group: ['**/main/**', '**/preload/**'], message: 'The renderer imports only src/shared (and its own files): reach the core through the control API.' },
      NODE_BUILTINS,
      ELECTRON,
    ]),
  },
  {
    // The headless core: plain Node, never Electron.
    files: ['src/main/core/**/*.ts', 'src/main/cli.ts', 'src/main/*Commands.ts'],
    rules: forbid([ELECTRON, { group: ['**/renderer/**', '**/preload/**'], message: 'The core does not import the UI or the preload.' }]),
  },
  {
    // Bytes on the wire, used by every part of the core: it depends on none of them.
    files: ['src/main/core/wire/**/*.ts'],
    rules: forbid([
      // Relative imports that leave wire/ reach only src/shared; bare specifiers only node:*.
      { regex: '^\\.\\./(?!\\.\\./\\.\\./shared/)', message: 'src/main/core/wire imports only src/shared and Node built-ins: every other part of the core imports it, not the other way.' },
      { regex: '^(?!node:)[^.]', message: 'src/main/core/wire imports only src/shared and Node built-ins (node:*), no packages (nor Electron).' },
    ]),
  },
  {
    // The recorder records what the front door saw; the proxy, lint, simulator and control
    // service build on it. It reaches no further into the core than wire/.
    files: ['src/main/core/recorder/**/*.ts'],
    // (A later block's no-restricted-imports replaces an earlier one's: the core's ban on Electron is repeated.)
    rules: forbid([ELECTRON, { regex: '^\\.\\./(?!wire/|\\.\\./\\.\\./shared/)', message: 'src/main/core/recorder imports only core/wire, src/shared and packages: the parts that build on it (proxy, lint, simulator, control) must not come back into it.' }]),
  },
  {
    // IPC lives in one file on each side of the bridge.
    files: ['src/main/index.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', importNames: ['ipcMain', 'ipcRenderer'], message: 'ipcMain is used only in src/main/ipc.ts.' }] }],
    },
  },
);
