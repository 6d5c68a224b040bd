import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulationResult } from '../../src/shared/simulator';
import { launchChromium } from '../helpers/chromium';
import { runCommand, whenListening, type CliProcess } from '../helpers/cliProcess';

// The package as a user gets it: `npm pack`, then `npm install <tarball>` in an empty folder,
// then the installed command. Nothing from this checkout's node_modules is visible there, so
// a runtime dependency left in devDependencies fails here.

const run = promisify(execFile);
const root = join(import.meta.dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'mcp-inspector-package-'));
const stage = join(work, 'stage');
const app = join(work, 'app');
const dataDir = join(work, 'data');
let tarballFiles: string[] = [];

const PACKAGE_SPECIFIER = /^(@[a-z0-9-~][\w.-]*\/)?[a-z0-9-~][\w.-]*(\/[\w./-]+)?$/;

// A build and npm install of ~130 packages (from npm's cache when warm): a minute or two on a loaded machine.
const INSTALL_TIMEOUT = 240_000;

beforeAll(async () => {
  // `npm pack` in a checkout runs `prepack` (npm run build) and packs what package.json's
  // "files" lists. The same happens here in a staging copy (package.json, README and the listed
  // folders, built with electron-vite into the copy): rebuilding the checkout's own out/ would
  // pull it from under the e2e tests running in parallel.
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { files: string[]; scripts: Record<string, string> };
  expect(pkg.scripts.prepack).toBe('npm run build');
  mkdirSync(stage);
  for (const path of ['package.json', 'README.md', 'LICENSE', ...pkg.files.filter((f) => !/^out\/?$/.test(f))]) cpSync(join(root, path), join(stage, path), { recursive: true });
  await run(process.execPath, [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build', '--outDir', join(stage, 'out'), '--logLevel', 'error'], { cwd: root });
  const packed = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: stage });
  const [info] = JSON.parse(packed.stdout) as [{ filename: string; files: { path: string }[] }];
  tarballFiles = info.files.map((f) => f.path);
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'empty-folder', private: true }));
  await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', join(work, info.filename)], {
    cwd: app,
    // Electron is an optional dependency the headless commands don't need; its binary can't
    // be downloaded on these machines.
    env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' },
    maxBuffer: 16 * 1024 * 1024,
  });
}, INSTALL_TIMEOUT);

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The installed command, as `npx mcp-handshake-inspector …` runs it (node_modules/.bin). */
function installed(args: string[], env: NodeJS.ProcessEnv = {}): CliProcess {
  return runCommand(join(app, 'node_modules/.bin/mcp-handshake-inspector'), args, { cwd: app, env: { MCP_INSPECTOR_DATA_DIR: dataDir, ...env } });
}

describe('the packed package', { timeout: 90_000 }, () => {
  it('ships the built app, its resources and the command, and no sources or tests', () => {
    expect(tarballFiles).toEqual(expect.arrayContaining(['bin/mcp-handshake-inspector.js', 'bin/desktop.js', 'out/main/cli.js', 'out/main/index.js', 'out/renderer/index.html', 'resources/consent.html', 'package.json', 'README.md', 'LICENSE']));
    // The manual ships too: the README's links into docs/ resolve in node_modules.
    expect(tarballFiles).toEqual(expect.arrayContaining(['docs/README.md', 'docs/cli.md']));
    expect(tarballFiles.filter((path) => /^(src|test|scripts)\//.test(path))).toEqual([]);
  });

  it('ships a minified renderer whose rarely used screens are chunks of their own, loaded on demand', () => {
    const assets = readdirSync(join(stage, 'out/renderer/assets')).filter((f) => f.endsWith('.js'));
    for (const screen of ['SimulateScreen', 'CompareScreen', 'SettingsScreen', 'TunnelPanel']) expect(assets.some((f) => f.startsWith(`${screen}-`)), screen).toBe(true);
    const entry = /src="(?:\.?\/)?assets\/([^"]+\.js)"/.exec(readFileSync(join(stage, 'out/renderer/index.html'), 'utf8'))?.[1];
    const code = readFileSync(join(stage, 'out/renderer/assets', entry!), 'utf8');
    // Unminified, the entry was 950 KB in 20k lines; minified it is a few long lines.
    expect(code.split('\n').length).toBeLessThan(50);
    expect(code.length).toBeLessThan(500_000);
  });

  it('resolves every package the built code imports from the installed folder alone', () => {
    const packageDir = join(app, 'node_modules/mcp-handshake-inspector');
    const requireThere = createRequire(join(packageDir, 'out/main/cli.js'));
    const built = readdirSync(join(packageDir, 'out/main'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js'));
    const specifiers = new Set<string>();
    for (const file of built) {
      const code = readFileSync(join(packageDir, 'out/main', file), 'utf8');
      // Static and dynamic ESM imports of bare specifiers, as the bundler leaves them.
      for (const match of code.matchAll(/(?:from\s*|import\s*\(\s*|^import\s+)"((?!node:|\.)[^"]+)"/gm)) {
        if (PACKAGE_SPECIFIER.test(match[1]!)) specifiers.add(match[1]!); // not `from "…"` inside a string
      }
    }
    specifiers.delete('electron'); // provided by the Electron runtime to the desktop shell only
    expect(specifiers.size).toBeGreaterThan(3);
    const missing = [...specifiers].filter((specifier) => {
      try {
        requireThere.resolve(specifier);
        return false;
      } catch (err) {
        // ESM-only packages without a "require" export still exist: that is enough here.
        return (err as NodeJS.ErrnoException).code !== 'ERR_PACKAGE_PATH_NOT_EXPORTED';
      }
    });
    expect(missing, `imported by out/main but not installed with the package (${relative(root, packageDir)})`).toEqual([]);
  });

  it('serves the reference server and the web UI, and simulate connects a client through it', async () => {
    const served = installed(['serve', '--port', '0', '--ui-port', '0']);
    try {
      const { port } = await whenListening(served);
      const ui = /(http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(served.stdout())?.[1];
      expect(ui, served.stdout()).toBeDefined();
      const metadata = await fetch(`http://127.0.0.1:${port}/.well-known/oauth-protected-resource/mcp`);
      expect(metadata.status).toBe(200);

      const browser = await launchChromium();
      try {
        const page = await browser.context.newPage();
        await page.goto(ui!);
        await page.getByTestId('empty-state').or(page.getByTestId('row').first()).waitFor();
      } finally {
        await browser.close();
      }

      // A replayed client, and one the installed SDK package itself drives.
      for (const client of ['claude-ai@2025-10', 'mcp-sdk-2@2025-11-25']) {
        const simulated = installed(['simulate', '--client', client, '--url', `http://127.0.0.1:${port}/mcp`, '--json']);
        expect(await simulated.exited, simulated.stderr()).toBe(0);
        expect(JSON.parse(simulated.stdout()) as SimulationResult, client).toMatchObject({ ok: true, profileId: client });
      }
    } finally {
      served.child.kill('SIGINT');
      await served.exited;
    }
  });

  it('with no command starts what `npm start` starts: headless with a one-line reason where Electron cannot run', async () => {
    const started = installed(['--port', '0', '--ui-port', '0'], { MCP_INSPECTOR_HEADLESS: '1' });
    try {
      await whenListening(started);
      expect(started.stdout()).toContain("Electron can't run here (MCP_INSPECTOR_HEADLESS is set), so the inspector starts headless.");
      expect(started.stdout()).toMatch(/Inspector UI .*\n\s+http:\/\/127\.0\.0\.1:\d+\/\?token=/);
    } finally {
      started.child.kill('SIGINT');
      await started.exited;
    }
  });
});
