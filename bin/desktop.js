// Whether the desktop window can open here, shared by `npm start` in a checkout
// (scripts/start.mjs) and the installed package's command (bin/mcp-handshake-inspector.js).
// Plain Node on purpose: it runs before anything is built.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

function electronDir() {
  try {
    return dirname(require.resolve('electron/package.json'));
  } catch {
    return undefined; // Electron is an optional peer of the package: the headless commands don't need it
  }
}

/** The Electron binary's path when it is installed, else undefined. */
export function electronBinary() {
  const dir = electronDir();
  const pathFile = dir && join(dir, 'path.txt');
  if (!pathFile || !existsSync(pathFile)) return undefined;
  const binary = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : undefined;
}

/** Why the desktop window can't open here, or undefined when it can (fetching Electron's binary on first use). */
export function electronUnavailableReason() {
  if (process.env.MCP_INSPECTOR_HEADLESS) return 'MCP_INSPECTOR_HEADLESS is set';
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return 'no display: DISPLAY is not set';
  if (electronBinary()) return undefined;
  const dir = electronDir();
  if (!dir) return 'Electron is not installed next to it: `npm install mcp-handshake-inspector electron` in a folder gives the window';
  // npm 11 skips dependency install scripts, Electron's download among them: fetch it on first start.
  console.log('Fetching the Electron binary (first start only)…');
  // Its output is kept, not shown: a failed download prints a stack trace, and one line says it.
  const install = spawnSync(process.execPath, [join(dir, 'install.js')], { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', timeout: 180_000 });
  if (install.status === 0 && electronBinary()) return undefined;
  return `its binary could not be downloaded (${downloadProblem(`${install.stderr ?? ''}\n${install.stdout ?? ''}`, install.error)})`;
}

/** The cause of a failed Electron download in a few words: the network error's code, else its first error line. */
function downloadProblem(output, error) {
  if (error) return error.code === 'ETIMEDOUT' ? 'timed out' : error.message;
  const code = /\b(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|CERT_[A-Z_]+)\b(?: ([\w.-]+\.[a-z]{2,}))?/.exec(output);
  if (code) return `${code[1]}${code[2] ? ` ${code[2]}` : ''}: no network access to GitHub's Electron releases`;
  if (/fetch failed|getaddrinfo|socket hang up/i.test(output)) return "no network access to GitHub's Electron releases";
  const line = output.split('\n').find((l) => /error/i.test(l) && !/^\s+at /.test(l));
  return line ? line.trim().slice(0, 120) : 'no network access';
}

/** The one line printed before falling back to the headless server. */
export function headlessNotice(reason, desktopHint) {
  return `Electron can't run here (${reason}), so the inspector starts headless. ${desktopHint}`;
}

/** Runs a child with the terminal, passes Ctrl-C / SIGTERM on and exits with its code. */
export function runAttached(command, args, cwd) {
  const child = spawn(command, args, { stdio: 'inherit', cwd });
  // Ctrl-C reaches the child through the terminal; wait for it to shut down cleanly.
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}
