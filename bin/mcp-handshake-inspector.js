#!/usr/bin/env node
// The package's command: runs the bundled CLI (build it once with `npm run build`).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const cli = fileURLToPath(new URL('../out/main/cli.js', import.meta.url));
if (!existsSync(cli)) {
  console.error('mcp-handshake-inspector: the CLI is not built yet. Run `npm run build` in the package folder, or use `npm run cli -- <command>` from a checkout.');
  process.exit(1);
}
const { main } = await import(pathToFileURL(cli).href);
await main(process.argv.slice(2));
