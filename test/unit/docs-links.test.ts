import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMAND_HELP } from '../../src/main/cliHelp';
import { COMMAND_NAMES as CONTROL_COMMANDS } from '../../src/shared/controlApi';

// The manual stays walkable: every relative link and image in README.md and docs/ names a file
// that is in the repository (and, with a #fragment, a heading of that page), nothing points
// outside the repository, and every repository path the prose names in backticks exists.
// public-sources.test.ts checks what the text may cite; this test checks that what it links is
// there.

const ROOT = resolve(__dirname, '..', '..');

const PAGES = [join(ROOT, 'README.md'), ...readdirSync(join(ROOT, 'docs'), { recursive: true, encoding: 'utf8' }).filter((p) => p.endsWith('.md')).map((p) => join(ROOT, 'docs', p))];

/** The page without fenced code blocks and inline code, line numbers kept. */
function prose(text: string): string[] {
  let fenced = false;
  return text.split('\n').map((line) => {
    if (/^\s*(```|~~~)/.test(line)) {
      fenced = !fenced;
      return '';
    }
    return fenced ? '' : line.replace(/`+[^`]*`+/g, '``');
  });
}

/** Code spans only, for the repository paths the prose names. */
function codeSpans(text: string): Array<{ span: string; line: number }> {
  let fenced = false;
  return text.split('\n').flatMap((line, i) => {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    if (fenced) return [];
    return [...line.matchAll(/`([^`]+)`/g)].map((m) => ({ span: m[1]!, line: i + 1 }));
  });
}

/** Link targets: inline links and images `[t](target "title")`, `<target>` forms, reference definitions `[id]: target`. */
function linkTargets(text: string): Array<{ target: string; line: number }> {
  return prose(text).flatMap((line, i) => {
    const inline = [...line.matchAll(/\]\(\s*(<[^>]*>|[^)\s]+)(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]!.replace(/^<|>$/g, ''));
    const definition = /^\s{0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)/.exec(line)?.[1]?.replace(/^<|>$/g, '');
    return [...inline, ...(definition ? [definition] : [])].map((target) => ({ target, line: i + 1 }));
  });
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  let fenced = false;
  for (const line of text.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    const heading = fenced ? null : /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const slug = heading[1]!
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    out.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return out;
}

const isExternal = (target: string) => /^[a-z][a-z0-9+.-]*:/i.test(target) && !/^file:/i.test(target);

function inRepo(path: string): boolean {
  const rel = relative(ROOT, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

function brokenLinks(page: string, text = readFileSync(page, 'utf8')): string[] {
  const at = (line: number) => `${relative(ROOT, page)}:${line}`;
  return linkTargets(text).flatMap(({ target, line }) => {
    if (isExternal(target)) return [];
    if (/^file:/i.test(target) || target.startsWith('/')) return [`${at(line)}: ${target} is not relative to the page (it would point outside the repository for anyone else)`];
    const [pathPart = '', fragment] = target.split('#', 2) as [string, string | undefined];
    const file = pathPart ? resolve(dirname(page), decodeURI(pathPart)) : page;
    if (!inRepo(file)) return [`${at(line)}: ${target} points outside the repository`];
    if (!existsSync(file)) return [`${at(line)}: ${target}: no such file in the repository`];
    if (fragment && file.endsWith('.md') && statSync(file).isFile() && !anchors(readFileSync(file, 'utf8')).has(decodeURIComponent(fragment).toLowerCase())) {
      return [`${at(line)}: ${target}: ${relative(ROOT, file)} has no heading #${fragment}`];
    }
    return [];
  });
}

/** A repository path in backticks: under a source folder, naming a file (with an extension) or a folder (trailing slash). */
const REPO_PATH = /^(src|test|scripts|resources|docs|bin)\/[\w./@-]*(\.[a-z]+|\/)$/i;

describe('the manual links only what the repository holds', () => {
  it('reads README.md and every page under docs/', () => {
    expect(PAGES.map((p) => relative(ROOT, p).split(sep).join('/'))).toEqual(expect.arrayContaining(['README.md', 'docs/README.md', 'docs/cli.md', 'docs/toggles.md']));
  });

  it.each(PAGES.map((p) => [relative(ROOT, p), p]))('%s: every relative link and image names a file in the repository (and an existing heading)', (_name, page) => {
    expect(brokenLinks(page)).toEqual([]);
  });

  it.each(PAGES.map((p) => [relative(ROOT, p), p]))('%s: every repository path named in backticks exists', (_name, page) => {
    const missing = codeSpans(readFileSync(page, 'utf8'))
      .filter(({ span }) => REPO_PATH.test(span))
      .filter(({ span }) => !existsSync(join(ROOT, span)))
      .map(({ span, line }) => `${relative(ROOT, page)}:${line}: ${span}`);
    expect(missing).toEqual([]);
  });

  it('every docs page is reachable from the manual index', () => {
    const index = linkTargets(readFileSync(join(ROOT, 'docs', 'README.md'), 'utf8')).map(({ target }) => resolve(join(ROOT, 'docs'), target.split('#')[0]!));
    const orphans = PAGES.filter((p) => p.startsWith(join(ROOT, 'docs') + sep) && !p.endsWith(`${sep}README.md`) && !index.includes(p)).map((p) => relative(ROOT, p));
    expect(orphans).toEqual([]);
  });

  it('the product names only manual pages that exist', () => {
    // Strings the CLI and the UI show (`see docs/front-door.md`) are links too.
    const sources = readdirSync(join(ROOT, 'src'), { recursive: true, encoding: 'utf8' }).filter((p) => /\.(tsx?|html)$/.test(p));
    const missing = sources.flatMap((p) =>
      [...readFileSync(join(ROOT, 'src', p), 'utf8').matchAll(/(?<![\w/.:-])(docs\/[\w/-]+\.md)\b/g)].map((m) => m[1]!).filter((doc) => !existsSync(join(ROOT, doc))).map((doc) => `src/${p}: ${doc}`),
    );
    expect(missing).toEqual([]);
  });
});

describe('the reference pages cover what the product has', () => {
  it.each(Object.entries(COMMAND_HELP))('docs/cli.md documents `%s` and every option its --help lists', (command, help) => {
    const page = readFileSync(join(ROOT, 'docs', 'cli.md'), 'utf8');
    expect(page).toMatch(new RegExp(`^#{2,3} .*\\b${command}\\b`, 'm'));
    const options = [...new Set(help.match(/--[a-z][a-z-]+/g) ?? [])];
    // Named in prose or a table (a code span), not only inside an example.
    const spans = codeSpans(page).map(({ span }) => span).join('\n');
    expect(options.filter((option) => !new RegExp(`${option}(?![a-z-])`).test(spans))).toEqual([]);
  });

  it('docs/control-api.md names every control command', () => {
    const page = readFileSync(join(ROOT, 'docs', 'control-api.md'), 'utf8');
    // `exchanges.list|get|search` names three commands.
    const named = new Set([...page.matchAll(/`([a-z]+)\.([a-zA-Z|]+)`/g)].flatMap((m) => m[2]!.split('|').map((name) => `${m[1]}.${name}`)));
    if (page.includes('`status`')) named.add('status');
    expect(CONTROL_COMMANDS.filter((name) => !named.has(name))).toEqual([]);
  });
});

describe('the link checker itself', () => {
  it('finds inline links, images, <bracketed> targets and reference definitions, not code', () => {
    const text = ['See [a](a.md) and ![b](img/b.png "title") and [c](<c d.md>).', '`[not](code.md)`', '```', '[nor](fenced.md)', '```', '[ref]: ref.md'].join('\n');
    expect(linkTargets(text).map((l) => l.target)).toEqual(['a.md', 'img/b.png', 'c d.md', 'ref.md']);
  });

  it('makes GitHub\'s anchors', () => {
    expect([...anchors('# The `conformance` preset\n## `claude-ai@2025-06`\n## Why `none` is the default\n## Notes\n## Notes')]).toEqual(['the-conformance-preset', 'claude-ai2025-06', 'why-none-is-the-default', 'notes', 'notes-1']);
  });

  it('fails a link that climbs out of the repository or is absolute, a missing file and a missing heading', () => {
    const page = join(ROOT, 'docs', 'README.md');
    const text = '[x](../../outside.md) [a](/etc/hosts) [y](no-such-page.md) [z](cli.md#no-such-heading) [ok](cli.md#serve) [up](../README.md#set-up) [web](https://example.com/x.md)';
    const broken = brokenLinks(page, text);
    expect(broken).toHaveLength(4);
    expect(broken[0]).toMatch(/outside the repository/);
    expect(broken[1]).toMatch(/not relative/);
    expect(broken[2]).toMatch(/no such file/);
    expect(broken[3]).toMatch(/no heading #no-such-heading/);
  });
});
