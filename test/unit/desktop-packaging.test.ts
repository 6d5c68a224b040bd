import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, matchesGlob } from 'node:path';
import { DebugLogger } from 'builder-util';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config.js';
import type { Configuration } from 'app-builder-lib';
import { describe, expect, it } from 'vitest';

// The desktop packages' configuration (package.json "build"), checked with electron-builder's
// own loader and schema. Building the packages needs Electron's releases from GitHub, which these
// machines can't reach (`npm run dist` says so); what can be checked without them is here.

const root = join(import.meta.dirname, '../..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { main: string; build: Configuration };

async function validate(config: Configuration): Promise<void> {
  await validateConfiguration(config, new DebugLogger(false));
}

describe('desktop packages (electron-builder)', () => {
  it('is a configuration electron-builder loads and its schema accepts (and the schema does reject a wrong one)', async () => {
    const loaded = await getConfig(root, null, null);
    await expect(validate(loaded)).resolves.toBeUndefined();
    // A misspelt option (the schema coerces types, so a wrong type alone would pass).
    await expect(validate({ ...loaded, linux: { ...loaded.linux, targets: ['deb'] } } as unknown as Configuration)).rejects.toThrow(/does not match the API schema/);
  });

  it('builds AppImage and deb on Linux, a dmg on macOS and an NSIS installer on Windows, from the built app', () => {
    const { linux, mac, win, files } = pkg.build;
    expect(linux?.target).toEqual(['AppImage', 'deb']);
    expect(mac?.target).toEqual(['dmg']);
    expect(win?.target).toEqual(['nsis']);
    expect(files).toEqual(expect.arrayContaining(['out/**', 'resources/**']));
    expect(pkg.main).toBe('out/main/index.js');
  });

  it('has an app icon of at least 512×512 in resources/', () => {
    const icon = readFileSync(join(root, pkg.build.icon as string));
    expect(icon.subarray(1, 4).toString()).toBe('PNG');
    // PNG IHDR: width and height, big-endian, at bytes 16 and 20.
    expect(icon.readUInt32BE(16)).toBeGreaterThanOrEqual(512);
    expect(icon.readUInt32BE(20)).toBeGreaterThanOrEqual(512);
  });

  it('unpacks every native module the app loads at run time from the asar (ngrok among them)', () => {
    // The runtime closure: every package of the lockfile that is not dev-only.
    const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
    const runtime = Object.entries(lock.packages)
      .filter(([path, entry]) => path.startsWith('node_modules/') && !entry.dev)
      .map(([path]) => path);
    expect(runtime).toContain('node_modules/@ngrok/ngrok');
    const native = runtime.flatMap((dir) =>
      existsSync(join(root, dir))
        ? readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
            .filter((file) => file.endsWith('.node'))
            .map((file) => `${dir}/${file}`)
        : [],
    );
    // ngrok's native binding for this platform is installed with it.
    expect(native.some((file) => file.startsWith('node_modules/@ngrok/'))).toBe(true);
    const unpack = pkg.build.asarUnpack as string[];
    const packed = native.filter((file) => !unpack.some((pattern) => matchesGlob(file, pattern)));
    expect(packed, 'native modules left inside the asar, where Node cannot load them').toEqual([]);
    expect(unpack.some((pattern) => matchesGlob('node_modules/@ngrok/ngrok/index.js', pattern)), 'ngrok loads its binding by a relative path: its whole package is unpacked').toBe(true);
  });
});
