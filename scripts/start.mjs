// `npm start`: the desktop window where Electron can run, the headless server otherwise.
// Plain Node on purpose: it must run before anything is built.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { electronUnavailableReason, headlessNotice, runAttached } from '../bin/desktop.js';

const root = dirname(dirname(new URL(import.meta.url).pathname));
const args = process.argv.slice(2);

const reason = electronUnavailableReason();
if (reason) {
  console.log(headlessNotice(reason, 'For the desktop window, run `npm start` on a machine with a display and network access to fetch Electron.'));
  // The headless mode serves the built UI in a browser: build it on the first start.
  if (!existsSync(join(root, 'out/renderer/index.html'))) {
    console.log('Building the inspector UI (first start only)…');
    const build = spawnSync(process.execPath, [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], { stdio: 'inherit', cwd: root });
    if (build.status !== 0) console.log('The UI could not be built; the inspector still runs, and `npm run build` shows why.');
  }
  console.log('Open the "Inspector UI" URL printed below in your browser.');
  runAttached(process.execPath, ['--import', 'tsx', join(root, 'src/main/cli.ts'), 'serve', ...args], root);
} else {
  runAttached(join(root, 'node_modules/.bin/electron-vite'), ['preview', ...args], root);
}
