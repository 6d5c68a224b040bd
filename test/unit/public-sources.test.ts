import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LINT_CLIENT_NAMES, LINT_RULES } from '../../src/shared/lint';
import { LINT_RULE_DEFINITIONS } from '../../src/main/core/lint/rules';
import { TOGGLES } from '../../src/main/core/proxy/toggles';
import { PRESETS } from '../../src/main/core/server/presets';
import { PROFILES } from '../../src/main/core/simulator/profiles';
import { SCENARIOS } from '../../src/main/core/simulator/scenarios';
import { DOCS } from '../../scripts/docs';

// The product owns its knowledge and cites public sources: nothing it shows (catalogues the
// control API returns, the renderer, the CLI, README and docs) may point at the team's private
// notes, and every `sources` entry is a URL anyone can open.

const ROOT = join(__dirname, '..', '..');

/** References to notes that do not ship with the repository. */
const TEAM_NOTES: Array<[string, RegExp]> = [
  ['research/', /research\//i],
  ['reference/0', /reference\/0/i],
  ['FIELD-NOTES', /FIELD-NOTES/i],
  ['clients.md', /clients\.md/i],
  ['tunnels.md', /tunnels\.md/i],
  ['field-update', /field-update/i],
  ['DESIGN.md', /DESIGN\.md/],
  ['/work/shared', /\/work\/shared/],
];
/** Section marks: what the notes' "§3.1" references look like; user-facing text says "section". */
const SECTION_MARK: [string, RegExp] = ['§', /§/];

function offences(text: string, patterns: Array<[string, RegExp]>): string[] {
  return patterns.filter(([, re]) => re.test(text)).map(([name]) => name);
}

/** Every string in a value, with the path that leads to it (functions are called for their sentence). */
function strings(value: unknown, path: string, out: Array<{ path: string; text: string }> = []): Array<{ path: string; text: string }> {
  if (typeof value === 'string') out.push({ path, text: value });
  else if (Array.isArray(value)) value.forEach((v, i) => strings(v, `${path}[${i}]`, out));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) strings(v, `${path}.${k}`, out);
  return out;
}

/** Every `sources` array in a value, with its path. */
function sourceArrays(value: unknown, path: string, out: Array<{ path: string; sources: unknown }> = []): Array<{ path: string; sources: unknown }> {
  if (Array.isArray(value)) value.forEach((v, i) => sourceArrays(v, `${path}[${i}]`, out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'sources') out.push({ path: `${path}.sources`, sources: v });
      else sourceArrays(v, `${path}.${k}`, out);
    }
  }
  return out;
}

/** The URL a source entry names: the string itself, or a lint source's `url`, or a profile source's `ref`. */
function sourceUrl(entry: unknown): unknown {
  if (typeof entry === 'string') return entry;
  if (entry && typeof entry === 'object') {
    const e = entry as { url?: unknown; ref?: unknown };
    return e.url ?? e.ref;
  }
  return undefined;
}

function isAbsoluteHttps(value: unknown): boolean {
  if (typeof value !== 'string' || /\s/.test(value)) return false;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' && url.hostname.includes('.');
  } catch {
    return false;
  }
}

const CATALOGUES: Record<string, unknown> = {
  PROFILES,
  LINT_RULES,
  LINT_RULE_DEFINITIONS,
  LINT_CLIENT_NAMES,
  TOGGLES,
  PRESETS,
  SCENARIOS,
};

/** What each rule says when asked to explain itself (the UI's and CLI's sentence). */
const EXPLANATIONS = Object.fromEntries(LINT_RULE_DEFINITIONS.map((r) => [r.id, r.explain()]));

function files(dir: string, keep: (path: string) => boolean): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path, keep);
    return keep(path) ? [path] : [];
  });
}

describe('public sources', () => {
  it('no catalogue string the product exposes cites the team\'s notes or a § section mark', () => {
    const bad = Object.entries({ ...CATALOGUES, EXPLANATIONS })
      .flatMap(([name, value]) => strings(value, name))
      .map(({ path, text }) => ({ path, found: offences(text, [...TEAM_NOTES, SECTION_MARK]), text }))
      .filter((o) => o.found.length > 0)
      .map((o) => `${o.path}: ${o.found.join(', ')} in "${o.text.slice(0, 120)}"`);
    expect(bad).toEqual([]);
  });

  it('every entry of every sources array is an absolute https URL', () => {
    const arrays = Object.entries(CATALOGUES).flatMap(([name, value]) => sourceArrays(value, name));
    expect(arrays.length).toBeGreaterThan(PROFILES.length + LINT_RULES.length);
    const bad = arrays.flatMap(({ path, sources }) => {
      if (!Array.isArray(sources)) return [`${path} is not an array`];
      return sources.map((entry, i) => ({ at: `${path}[${i}]`, url: sourceUrl(entry) })).filter(({ url }) => !isAbsoluteHttps(url)).map(({ at, url }) => `${at}: ${JSON.stringify(url)}`);
    });
    expect(bad).toEqual([]);
  });

  it('every lint rule and client profile has sources, and so does every toggle, preset and scenario that says what a real client does', () => {
    const CLIENT = /Claude|ChatGPT|VS Code|Cursor|mcp-remote|Inspector/;
    const missing = [
      ...LINT_RULES.filter((r) => r.sources.length === 0).map((r) => `lint rule ${r.id}`),
      ...PROFILES.filter((p) => p.sources.length === 0).map((p) => `profile ${p.id}`),
      ...TOGGLES.filter((t) => CLIENT.test(t.explanation) && !t.sources?.length).map((t) => `toggle ${t.id}`),
      ...PRESETS.filter((p) => CLIENT.test(p.description) && !p.sources?.length && p.id !== 'no-auth').map((p) => `preset ${p.id}`),
      ...SCENARIOS.filter((s) => !s.sources?.length).map((s) => `scenario ${s.id}`),
    ];
    expect(missing).toEqual([]);
  });

  it('README, the manual and the renderer cite no team notes and no § section marks', () => {
    const paths = [
      join(ROOT, 'README.md'),
      ...files(join(ROOT, 'docs'), (p) => p.endsWith('.md')),
      ...files(join(ROOT, 'src', 'renderer'), (p) => /\.(tsx?|html|css)$/.test(p)),
    ];
    expect(paths.some((p) => p.endsWith('client-profiles.md'))).toBe(true);
    const bad = paths.flatMap((path) =>
      readFileSync(path, 'utf8')
        .split('\n')
        .map((line, i) => ({ line, at: `${relative(ROOT, path)}:${i + 1}` }))
        .filter(({ line }) => offences(line, [...TEAM_NOTES, SECTION_MARK]).length > 0)
        .map(({ line, at }) => `${at}: ${line.trim().slice(0, 120)}`),
    );
    expect(bad).toEqual([]);
  });

  it('no source file, resource or test cites the team\'s notes (code comments included: the notes do not ship)', () => {
    const paths = [
      ...files(join(ROOT, 'src'), (p) => /\.(tsx?|mjs|html|css)$/.test(p)),
      ...files(join(ROOT, 'resources'), () => true),
      ...files(join(ROOT, 'test'), (p) => /\.(tsx?|mjs)$/.test(p) && !p.endsWith('public-sources.test.ts')),
      ...files(join(ROOT, 'scripts'), (p) => /\.(ts|mjs)$/.test(p)),
    ];
    const bad = paths.flatMap((path) =>
      readFileSync(path, 'utf8')
        .split('\n')
        .map((line, i) => ({ line, at: `${relative(ROOT, path)}:${i + 1}` }))
        .filter(({ line }) => offences(line, TEAM_NOTES).length > 0)
        .map(({ line, at }) => `${at}: ${line.trim().slice(0, 120)}`),
    );
    expect(bad).toEqual([]);
  });

  it.each(Object.keys(DOCS))('%s is generated from its catalogue (run `npx tsx scripts/docs.ts` after changing one)', (path) => {
    expect(readFileSync(join(ROOT, path), 'utf8')).toBe(DOCS[path]!());
  });

  it('README links the manual', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    for (const path of Object.keys(DOCS)) expect(readme).toContain(`](${path})`);
  });
});
