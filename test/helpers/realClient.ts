import { chmodSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Comparison } from '../../src/shared/compare';
import type { Exchange } from '../../src/shared/exchange';
import type { Har } from '../../src/main/core/recorder/har';
import { ClientWouldFail, simulateCommand } from '../../src/main/simulateCommands';
import type { Inspector } from '../../src/main/core/inspector';
import { completeAuthorization } from './server';

// What a test needs to capture a real client (a package nobody here wrote, run as users run it)
// and hold a profile against that capture: the user's browser on the authorization leg, a
// headless way for the client to open that browser, and `simulate --compare-with`.

/** The Chrome the simulator's browser claims to be (profiles.ts CHROME_UA): the user's browser is not the client under test. */
export const USER_BROWSER_HEADERS = {
  'User-Agent': 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
  Accept: 'text/html,application/xhtml+xml,*/*;q=0.8',
};

/** The user's browser: sends what the simulator's browser sends, so the comparison judges only the client. */
export const browserFetch: typeof fetch = (input, init) => fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), ...USER_BROWSER_HEADERS } });

/**
 * The user approves on the reference server's consent page, and the browser follows the
 * redirect to the client's loopback callback (its listener answers the page the user sees).
 */
export async function approveInBrowser(authorizationUrl: string): Promise<void> {
  const callback = await completeAuthorization(authorizationUrl, 'approve', browserFetch);
  const page = await browserFetch(callback);
  if (!page.ok) throw new Error(`the client's callback ${callback.origin}${callback.pathname} answered ${page.status}: ${await page.text()}`);
}

export interface BrowserOpener {
  /** Environment for the client: `BROWSER` names the opener (PATH kept, no desktop variables). */
  env: Record<string, string>;
  /** Resolves with the next URL the client opened. */
  opened(): Promise<string>;
  close(): Promise<void>;
}

/**
 * A headless "browser" for clients that open the authorization URL with the `open` package
 * (mcp-remote, the MCP Inspector). On Linux `open` runs its bundled xdg-open, which, with no
 * desktop detected, runs `$BROWSER URL`. Our `$BROWSER` hands the URL to this process over
 * loopback HTTP and exits 0, as a browser that opened would; the test then plays the user.
 * Desktop variables are left out so that xdg-open cannot find a real browser.
 */
export async function startBrowserOpener(dir: string): Promise<BrowserOpener> {
  const urls: string[] = [];
  const waiting: Array<(url: string) => void> = [];
  const sink: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      res.end();
      const next = waiting.shift();
      if (next) next(body);
      else urls.push(body);
    });
  });
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  const script = join(dir, 'browser');
  const send = 'fetch(process.env.BROWSER_SINK, { method: "POST", body: process.argv[1] }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))';
  writeFileSync(script, `#!/bin/sh\nexec '${process.execPath}' -e '${send}' "$1"\n`);
  chmodSync(script, 0o755);
  return {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', BROWSER: script, BROWSER_SINK: `http://127.0.0.1:${(sink.address() as AddressInfo).port}/` },
    opened: () => (urls.length ? Promise.resolve(urls.shift()!) : new Promise((resolve) => waiting.push(resolve))),
    close: () => new Promise((resolve) => sink.close(() => resolve())),
  };
}

/** Resolves when no exchange of the inspector is still open (the client closed its streams). */
export function settled(inspector: Inspector): Promise<void> {
  const open = () => inspector.exchanges().some((e) => e.state === 'pending' || e.state === 'streaming');
  if (!open()) return Promise.resolve();
  return new Promise((resolve) => {
    const unsubscribe = inspector.subscribe((event) => {
      if (event.type === 'exchange:end' && !open()) {
        unsubscribe();
        resolve();
      }
    });
  });
}

/** The exchanges that began after `before` (a set of ids taken before the client ran). */
export function since(inspector: Inspector, before: ReadonlySet<string>): Exchange[] {
  return inspector.exchanges().filter((e) => !before.has(e.id));
}

/** `simulate --client ID --url URL --compare-with FILE --json`: its result, and the message when it exited non-zero. */
export async function simulateAgainst(profileId: string, url: string, har: Har, dir: string, extra: string[] = []): Promise<{ result: { ok: boolean; comparison: Comparison }; failed?: string }> {
  const file = join(dir, `${profileId.replace(/\W/g, '_')}-${Math.random().toString(36).slice(2)}.har`);
  writeFileSync(file, JSON.stringify(har));
  const lines: string[] = [];
  let failed: string | undefined;
  try {
    await simulateCommand(['--client', profileId, '--url', url, '--compare-with', file, '--json', ...extra], (line) => lines.push(line));
  } catch (err) {
    if (!(err instanceof ClientWouldFail)) throw err;
    failed = err.message;
  }
  return { result: JSON.parse(lines.join('\n')), ...(failed ? { failed } : {}) };
}

/** Every difference, one line each: whole-connection ones, then per step. */
export function differencesOf(comparison: Comparison): string[] {
  return [
    ...(comparison.differences ?? []).map((d) => `${d.kind} ${d.name ?? ''}: ${d.left ?? '(none)'} | ${d.right ?? '(none)'}`),
    ...comparison.steps.flatMap((s) => s.differences.map((d) => `${s.stage} ${d.kind} ${d.name ?? ''}: ${d.left ?? '(none)'} | ${d.right ?? '(none)'}`)),
  ];
}

/** The clientInfo of the first initialize the HAR holds whose body also names `marker` (a bridge's own among its test client's). */
export function initializeClientInfo(har: Har, marker = ''): unknown {
  const body = har.log.entries.map((e) => e.request.postData?.text ?? '').find((text) => text.includes('"initialize"') && text.includes(marker));
  if (body === undefined) throw new Error(`no initialize${marker ? ` naming ${marker}` : ''} in the HAR`);
  return (JSON.parse(body) as { params: { clientInfo?: unknown } }).params.clientInfo;
}

/** The steps of `stage` the comparison paired (both the profile and the capture have them). */
export function pairedSteps(comparison: Comparison, stage: string): Comparison['steps'] {
  return comparison.steps.filter((s) => s.stage === stage && s.left && s.right);
}
