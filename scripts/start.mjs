// `npm start`: the desktop window where Electron can run, the headless server otherwise.
// Plain Node on purpose: it must run before anything is built.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const root = dirname(dirname(new URL(import.meta.url).pathname));
const args = process.argv.slice(2);

function electronBinaryPresent() {
  const dir = dirname(require.resolve('electron/package.json'));
  const pathFile = join(dir, 'path.txt');
  return existsSync(pathFile) && existsSync(join(dir, 'dist', readFileSync(pathFile, 'utf8').trim()));
}

/** Why the desktop window can't open here, or undefined when it can. */
function electronUnavailableReason() {
  if (process.env.MCP_INSPECTOR_HEADLESS) return 'MCP_INSPECTOR_HEADLESS is set';
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return 'no display: DISPLAY is not set';
  if (electronBinaryPresent()) return undefined;
  // npm's allowScripts skips Electron's download at install time; fetch it on first start.
  console.log('Fetching the Electron binary (first start only)…');
  const install = spawnSync(process.execPath, [require.resolve('electron/install.js')], { stdio: 'inherit', timeout: 180_000 });
  if (install.status === 0 && electronBinaryPresent()) return undefined;
  return 'its binary could not be downloaded';
}

function run(command, commandArgs) {
  const child = spawn(command, commandArgs, { stdio: 'inherit', cwd: root });
  // Ctrl-C reaches the child through the terminal; wait for it to shut down cleanly.
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

const reason = electronUnavailableReason();
if (reason) {
  console.log(
    `Electron can't run here (${reason}), so the inspector starts headless. ` +
      'For the desktop window, run `npm start` on a machine with a display and network access to fetch Electron.',
  );
  // The headless mode serves the built UI in a browser: build it on the first start.
  if (!existsSync(join(root, 'out/renderer/index.html'))) {
    console.log('Building the inspector UI (first start only)…');
    const build = spawnSync(process.execPath, [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], { stdio: 'inherit', cwd: root });
    if (build.status !== 0) console.log('The UI could not be built; the inspector still runs, and `npm run build` shows why.');
  }
  console.log('Open the "Inspector UI" URL printed below in your browser.');
  run(process.execPath, ['--import', 'tsx', join(root, 'src/main/cli.ts'), 'serve', ...args]);
} else {
  run(join(root, 'node_modules/.bin/electron-vite'), ['preview', ...args]);
}
