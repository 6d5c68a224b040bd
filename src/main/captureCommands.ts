import { exchangeOutcome, type ExchangeOutcome } from '../shared/outcome';
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Exchange } from '../shared/exchange';
import { capturesDir, defaultDataDir } from './core/dataDir';
import { CaptureStore, skippedLinesNote } from './core/recorder/captureStore';
import { SettingsStore } from './core/control/settings';
import { DEFAULT_PORT } from './core/inspector';
import { fromHar, toHar } from './core/recorder/har';
import { originForm } from './core/wire/paths';
import { HOP_BY_HOP } from './core/wire/headers';

// The CLI's capture commands: list, show, rename, delete, export (HAR), import (HAR), replay.
// They work on the capture folder of the data dir, the same one `serve` and the app record to.

export class CommandError extends Error {}

const DATA_DIR_OPTION = { 'data-dir': { type: 'string' } } as const;

function storeFor(dataDir: string | undefined): CaptureStore {
  return new CaptureStore(capturesDir(dataDir ?? defaultDataDir()));
}

/** What a line says after the client, by outcome: failures with their reason (src/shared/outcome.ts). */
const OUTCOME_NOTE: Partial<Record<ExchangeOutcome, (reason: string | undefined) => string>> = {
  failed: (reason) => `  FAILED${reason ? `: ${reason}` : ''}`,
  challenge: () => '  (challenge)',
  'closed-by-client': () => '  (closed by client)',
  'input-required': () => '  (input required)',
};

/** One line per exchange, as `serve` prints them live. */
export function formatExchange(e: Exchange): string {
  const status = e.response ? String(e.response.status) : e.state;
  const changed = e.upstreamResponse && e.upstreamResponse.status !== e.response?.status ? ` (was ${e.upstreamResponse.status})` : '';
  const time = new Date(e.startedAt).toISOString().slice(11, 23);
  const { outcome, reason } = exchangeOutcome(e);
  return `${time}  ${e.request.method.padEnd(6)} ${status}${changed}  ${e.classification.label}  [${e.client.label}]${OUTCOME_NOTE[outcome]?.(reason) ?? ''}`;
}

async function latestCaptureId(store: CaptureStore): Promise<string> {
  const captures = await store.list();
  const latest = captures.sort((a, b) => b.createdAt - a.createdAt)[0];
  if (!latest) throw new CommandError(`No captures in ${store.root} yet: run \`serve\` and send some traffic first.`);
  return latest.id;
}

/** Runs a store operation, turning its failure into a message for the user. */
async function attempt<T>(operation: () => Promise<T>, what: string): Promise<T> {
  try {
    return await operation();
  } catch (err) {
    throw new CommandError(`Cannot ${what}: ${(err as Error).message}. List the captures with \`captures list\`.`);
  }
}

/** A capture's exchanges; the lines it had to skip are reported through `note`, the rest still opens. */
async function openCapture(store: CaptureStore, id: string, note: (line: string) => void): Promise<Exchange[]> {
  const { exchanges, skipped } = await attempt(() => store.read(id), `open capture "${id}"`);
  if (skipped.length > 0) note(skippedLinesNote(id, skipped));
  return exchanges;
}

export async function capturesCommand(argv: string[], out: (line: string) => void): Promise<void> {
  const { values, positionals } = parseArgs({ args: argv, options: { ...DATA_DIR_OPTION }, allowPositionals: true, strict: true });
  const store = storeFor(values['data-dir']);
  const [action = 'list', id, ...rest] = positionals;
  switch (action) {
    case 'list': {
      const captures = (await store.list()).sort((a, b) => b.createdAt - a.createdAt);
      if (captures.length === 0) return out(`No captures in ${store.root}.`);
      for (const c of captures) out(`${c.id}  ${String(c.exchanges).padStart(6)} exchanges  ${(c.sizeBytes / 1024).toFixed(1).padStart(8)} KiB  ${c.name}`);
      return;
    }
    case 'show': {
      const exchanges = await openCapture(store, id ?? (await latestCaptureId(store)), out);
      for (const e of exchanges) out(`${e.id}  ${formatExchange(e)}`);
      if (exchanges.length === 0) out('(no exchanges in this capture)');
      return;
    }
    case 'rename':
      if (!id || rest.length === 0) throw new CommandError('Usage: captures rename <id> <new name>');
      await attempt(() => store.rename(id, rest.join(' ')), `rename capture "${id}"`);
      return out(`Renamed ${id} to "${rest.join(' ')}".`);
    case 'delete':
      if (!id) throw new CommandError('Usage: captures delete <id>');
      await attempt(() => store.delete(id), `delete capture "${id}"`);
      return out(`Deleted capture ${id}.`);
    default:
      throw new CommandError(`Unknown captures action "${action}": use list, show, rename or delete.`);
  }
}

export async function exportCommand(argv: string[], out: (line: string) => void): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { ...DATA_DIR_OPTION, har: { type: 'string' }, capture: { type: 'string' }, raw: { type: 'boolean' } },
    strict: true,
  });
  if (!values.har) throw new CommandError('Usage: export --har <file.har> [--capture <id>] [--raw]');
  const store = storeFor(values['data-dir']);
  const id = values.capture ?? (await latestCaptureId(store));
  const exchanges = await openCapture(store, id, out);
  const har = toHar(exchanges, { redact: !values.raw, creatorVersion: '0.1.0' });
  try {
    writeFileSync(values.har, `${JSON.stringify(har, null, 2)}\n`);
  } catch (err) {
    throw new CommandError(`Cannot write ${values.har}: ${(err as Error).message}`);
  }
  out(`Wrote ${exchanges.length} exchanges of capture ${id} to ${values.har} (${values.raw ? 'raw: secrets included' : 'secrets redacted; --raw keeps them'}).`);
}

export async function importCommand(argv: string[], out: (line: string) => void): Promise<void> {
  const { values, positionals } = parseArgs({ args: argv, options: { ...DATA_DIR_OPTION, name: { type: 'string' } }, allowPositionals: true, strict: true });
  const file = positionals[0];
  if (!file) throw new CommandError('Usage: import <file.har> [--name <name>]');
  let exchanges: Exchange[];
  try {
    exchanges = fromHar(JSON.parse(readFileSync(file, 'utf8')));
  } catch (err) {
    throw new CommandError(`Cannot import ${file}: ${(err as Error).message}`);
  }
  const writer = storeFor(values['data-dir']).create(values.name ?? `Imported ${file}`);
  for (const exchange of exchanges) {
    writer.append({ type: 'exchange:start', exchange });
    writer.append({ type: 'exchange:end', exchange });
  }
  writer.close();
  out(`Imported ${exchanges.length} exchanges from ${file} as capture ${writer.id}.`);
}


export async function replayCommand(argv: string[], out: (line: string) => void): Promise<void> {
  const { values, positionals } = parseArgs({ args: argv, options: { ...DATA_DIR_OPTION, to: { type: 'string' } }, allowPositionals: true, strict: true });
  const [captureId, exchangeId] = positionals;
  if (!captureId || !exchangeId) throw new CommandError('Usage: replay <capture> <exchange-id> [--to <origin>]');
  const exchanges = await openCapture(storeFor(values['data-dir']), captureId, out);
  const matches = exchanges.filter((e) => e.id === exchangeId || e.id.startsWith(exchangeId));
  if (matches.length !== 1) throw new CommandError(matches.length ? `"${exchangeId}" matches ${matches.length} exchanges; give more of the id.` : `No exchange "${exchangeId}" in capture ${captureId}.`);
  const original = matches[0]!;
  const body = original.request.body;
  if (body?.truncated) throw new CommandError(`The request body was truncated when recorded (${body.size} bytes), so it can't be replayed exactly.`);
  // By default to the front door where `serve` listens: the port saved from the UI, or 7420.
  const dataDir = values['data-dir'] ?? defaultDataDir();
  const to = values.to ?? `http://127.0.0.1:${new SettingsStore(dataDir).get().port || DEFAULT_PORT}`;
  let target: URL;
  try {
    // The recorded path on that origin, also a `//host/x` one (which new URL(path, base) would read as another host).
    target = new URL(`${new URL(to).origin}${originForm(original.request.url)}`);
  } catch {
    throw new CommandError(`--to must be an origin such as http://127.0.0.1:7420, got "${values.to}"`);
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(original.request.headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  let response: Response;
  try {
    response = await fetch(target, {
      method: original.request.method,
      headers,
      body: body && !['GET', 'HEAD'].includes(original.request.method) ? new Uint8Array(Buffer.from(body.data, body.encoding === 'base64' ? 'base64' : 'utf8')) : undefined,
      redirect: 'manual',
      signal: AbortSignal.timeout(30_000),
    });
  } catch (err) {
    throw new CommandError(`Replaying to ${target.origin} failed: ${(err as Error).cause ? String((err as Error & { cause: Error }).cause.message) : (err as Error).message}. Is an inspector or server listening there (--to)?`);
  }
  const wasStatus = original.response ? ` (recorded: ${original.response.status})` : '';
  out(`${original.request.method} ${target} → ${response.status}${wasStatus}`);
  const contentType = response.headers.get('content-type') ?? '';
  if (contentType.includes('text/event-stream')) {
    void response.body?.cancel();
    return out('(an SSE stream; not read)');
  }
  const text = await response.text();
  if (text) out(text.length > 2000 ? `${text.slice(0, 2000)}… (${text.length} characters)` : text);
}
