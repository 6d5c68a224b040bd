import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { SavedTunnel, Settings } from '../../../shared/controlApi';
import { parseRules } from '../proxy/rules';
import { LOCALTUNNEL_SUBDOMAIN, type ProviderOptions } from '../tunnel';
import { clip } from '../../../shared/text';

// Settings kept between runs: settings.json in the data dir, next to captures/. What the UI
// changes is saved at once; a damaged file is reported and ignored, never fatal.

const SETTINGS_FILE = 'settings.json';

const settingsSchema = z.object({
  upstream: z.string().url().optional(),
  interceptAs: z.array(z.string().url()).max(100).optional(),
  port: z.number().int().min(0).max(65535).optional(),
  toggles: z.record(z.string(), z.string()).optional(),
  rules: z.array(z.unknown()).optional(),
  presetId: z.string().optional(),
  tunnel: z
    .object({
      provider: z.enum(['localtunnel', 'cloudflared', 'ngrok', 'manual']),
      host: z.string().url().optional(),
      subdomain: z.string().regex(LOCALTUNNEL_SUBDOMAIN).optional(),
      publicUrl: z.string().url().optional(),
      domain: z.string().max(253).optional(),
      open: z.boolean(),
    })
    .optional(),
});

export class SettingsStore {
  private current: Settings;
  /** Why the saved settings could not be used, for the UI to show once. */
  readonly loadProblem?: string;

  constructor(readonly dataDir: string) {
    const { settings, problem } = SettingsStore.read(dataDir);
    this.current = settings;
    this.loadProblem = problem;
  }

  get file(): string {
    return join(this.dataDir, SETTINGS_FILE);
  }

  private static read(dataDir: string): { settings: Settings; problem?: string } {
    let text: string;
    try {
      text = readFileSync(join(dataDir, SETTINGS_FILE), 'utf8');
    } catch {
      return { settings: {} }; // first run
    }
    try {
      const parsed = settingsSchema.parse(JSON.parse(text));
      const settings: Settings = { ...parsed, rules: parsed.rules ? parseRules(parsed.rules) : undefined };
      return { settings };
    } catch (err) {
      return { settings: {}, problem: `The saved settings in ${join(dataDir, SETTINGS_FILE)} could not be used (${clip((err as Error).message, 300)}); starting with defaults.` };
    }
  }

  get(): Settings {
    return structuredClone(this.current);
  }

  /** Merges and saves; `undefined` values remove a setting. */
  update(patch: Partial<Settings>): Settings {
    const next: Settings = { ...this.current, ...patch };
    for (const key of Object.keys(next) as Array<keyof Settings>) if (next[key] === undefined) delete next[key];
    this.current = next;
    mkdirSync(this.dataDir, { recursive: true });
    // Replace, never rewrite in place: a crash mid-write must not lose the settings.
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(next, null, 2)}\n`);
    renameSync(tmp, this.file);
    return this.get();
  }
}

/**
 * Applies the saved toggles to a started inspector. A toggle that no longer exists (an older
 * settings file) is skipped with a message rather than failing the start.
 */
export function applySavedToggles(inspector: { setToggle(toggleId: string, optionId: string): void }, settings: Settings, warn: (message: string) => void): void {
  for (const [toggleId, optionId] of Object.entries(settings.toggles ?? {})) {
    try {
      inspector.setToggle(toggleId, optionId);
    } catch (err) {
      warn(`Saved toggle skipped: ${(err as Error).message}`);
    }
  }
}

/** What the UI saves of a tunnel it opens: the form, minus the ngrok auth token (a secret). */
export function tunnelToSave(options: Omit<SavedTunnel, 'open'> & { authtoken?: string }, open: boolean): SavedTunnel {
  const { provider, host, subdomain, publicUrl, domain } = options;
  return { provider, host, subdomain, publicUrl, domain, open };
}

/** The saved tunnel to open at this start, if it was left open (ngrok's token comes from NGROK_AUTHTOKEN). */
export function savedTunnelOptions(settings: Settings): ProviderOptions | undefined {
  const saved = settings.tunnel;
  if (!saved?.open) return undefined;
  const { open: _open, ...options } = saved;
  return options;
}
