// `npm run dist`: the desktop packages for this platform (Linux: AppImage and deb, macOS: dmg,
// Windows: NSIS installer), configured under "build" in package.json, written to dist/.
// electron-builder downloads Electron's release for the target from GitHub; where that can't
// happen (no network, a proxy) this says so in one line instead of a stack trace.
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const bin = (name) => join(root, 'node_modules', name);

const build = spawnSync(process.execPath, [bin('electron-vite/bin/electron-vite.js'), 'build'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) {
  console.error('npm run dist: the app did not build (see above); nothing was packaged.');
  process.exit(1);
}

const NETWORK = /\b(?:ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|CERT_[A-Z_]+|self[- ]signed certificate)\b(?: [\w.-]+\.[a-z]{2,})?/;
const child = spawn(process.execPath, [bin('electron-builder/cli.js'), '--publish', 'never', ...process.argv.slice(2)], { cwd: root, stdio: ['inherit', 'pipe', 'pipe'] });
let output = '';
for (const stream of ['stdout', 'stderr']) {
  // electron-builder's own lines, without the stack trace it prints on failure.
  createInterface({ input: child[stream] }).on('line', (line) => {
    output += `${line}\n`;
    if (!/^\s+at /.test(line)) process[stream].write(`${line.replace(/ stackTrace=.*/, '')}\n`);
  });
}
child.on('exit', (code) => {
  if (code === 0) {
    console.log(`Desktop packages written to ${join(root, 'dist')}.`);
    return;
  }
  const network = NETWORK.exec(output);
  console.error(
    network
      ? `npm run dist could not download what electron-builder needs (Electron's release for this platform, from github.com): ${network[0]}. Run it on a machine with network access; the headless app (npm start) needs none of it.`
      : `npm run dist: electron-builder failed (exit ${code}); its message is above.`,
  );
  process.exit(code ?? 1);
});
