#!/usr/bin/env node
// The package's command. With a command (`serve`, `simulate`, …) it runs the bundled CLI; with
// none (options only, as `npm start -- --port 8000`) it starts what `npm start` starts in a
// checkout: the desktop window where Electron can run, the headless server and its web UI otherwise.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { electronBinary, electronUnavailableReason, headlessNotice, runAttached } from './desktop.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = fileURLToPath(new URL('../out/main/cli.js', import.meta.url));
if (!existsSync(cli)) {
  console.error('mcp-handshake-inspector: the CLI is not built yet. Run `npm run build` in the package folder, or use `npm run cli -- <command>` from a checkout.');
  process.exit(1);
}

const args = process.argv.slice(2);
const startsApp = args.length === 0 || (args[0].startsWith('-') && !['--help', '-h', '--version'].includes(args[0]));
if (startsApp) {
  const reason = electronUnavailableReason();
  if (!reason) {
    // Electron runs the package itself: package.json's "main" is the built main process.
    runAttached(electronBinary(), [root, ...args], root);
  } else {
    console.log(headlessNotice(reason, 'On a machine with a display, `npx mcp-handshake-inspector` opens the desktop window.'));
    console.log('Open the "Inspector UI" URL printed below in your browser.');
    await runCli(['serve', ...args]);
  }
} else {
  await runCli(args);
}

async function runCli(argv) {
  const { main } = await import(pathToFileURL(cli).href);
  await main(argv);
}
