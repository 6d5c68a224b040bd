import type { ExchangeSummary } from '../../../shared/controlApi';
import type { Phase } from '../../../shared/exchange';
import { LINT_RULE_IDS } from '../../../shared/lint';
import { isFailed } from '../../../shared/outcome';

// Timeline filters as data: each has its syntax, a description the filter bar shows, a parser
// and a predicate. A query is words: `phase:token status:4xx -client:browser jwt` (a leading
// `-` negates; words without a key search URL, labels, clients and, through the core, headers
// and bodies).

export interface FilterContext {
  /** The connection a (maybe since merged) connection id belongs to now. */
  resolveConnection(id: string): string;
  /** Ids the core found by searching headers and bodies for the free text, when known. */
  searchHits?: ReadonlySet<string>;
}

export interface FilterDefinition<V = unknown> {
  key: string;
  syntax: string;
  description: string;
  /** The value, or a sentence saying what is wrong with it. */
  parse(raw: string): { value: V } | { problem: string };
  test(row: ExchangeSummary, value: V, ctx: FilterContext): boolean;
}

const PHASE_ALIASES: Record<string, Phase> = {
  discovery: 'discovery',
  dcr: 'registration',
  registration: 'registration',
  register: 'registration',
  authorize: 'authorization',
  authorization: 'authorization',
  token: 'token',
  jsonrpc: 'jsonrpc',
  rpc: 'jsonrpc',
  sse: 'sse-stream',
  'sse-stream': 'sse-stream',
  delete: 'session-end',
  'session-end': 'session-end',
  other: 'other',
};

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const list = (raw: string) => raw.split(',').map((part) => part.trim().toLowerCase()).filter(Boolean);

const define = <V>(definition: FilterDefinition<V>): FilterDefinition<V> => definition;

export const FILTERS = [
  define<Phase[]>({
    key: 'phase',
    syntax: 'phase:discovery,dcr,authorize,token,jsonrpc,sse,delete',
    description: 'Handshake phase (several separated by commas)',
    parse(raw) {
      const phases = list(raw).map((name) => PHASE_ALIASES[name]);
      const unknown = list(raw).filter((name) => !PHASE_ALIASES[name]);
      return unknown.length ? { problem: `unknown phase ${unknown.join(', ')}; try ${Object.keys(PHASE_ALIASES).join(', ')}` } : { value: phases as Phase[] };
    },
    test: (row, phases) => phases.includes(row.phase),
  }),
  define<Array<(row: ExchangeSummary) => boolean>>({
    key: 'status',
    syntax: 'status:2xx,4xx,404,changed,pending',
    description: 'Status the client saw: a class, a code, "changed" (a rule or toggle changed it) or "pending"',
    parse(raw) {
      const values = list(raw);
      const bad = values.filter((v) => !/^[1-5](xx|\d\d)$/.test(v) && v !== 'changed' && v !== 'pending');
      if (bad.length) return { problem: `status takes 2xx, 404, changed or pending, not ${bad.join(', ')}` };
      // Each value becomes a number test once, so 100k rows cost no string work.
      return {
        value: values.map((v): ((row: ExchangeSummary) => boolean) => {
          // Changed by a toggle or rule: in the front door, or by the built-in server a toggle set.
          if (v === 'changed') return (row) => row.statusChange !== undefined || row.upstreamStatus !== undefined;
          if (v === 'pending') return (row) => row.status === undefined;
          if (v.endsWith('xx')) {
            const hundreds = Number(v[0]);
            return (row) => row.status !== undefined && Math.floor(row.status / 100) === hundreds;
          }
          const code = Number(v);
          return (row) => row.status === code;
        }),
      };
    },
    test: (row, tests) => tests.some((test) => test(row)),
  }),
  define<{ families: string[]; label: RegExp }>({
    key: 'client',
    syntax: 'client:claude-user,mcp-sdk',
    description: 'Client family or part of its name (Claude.ai discovery client, Claude-User, SDK, …)',
    parse: (raw) => ({ value: { families: list(raw), label: new RegExp(list(raw).map(escapeRegExp).join('|') || '(?!)', 'i') } }),
    test: (row, { families, label }) => families.includes(row.clientFamily) || label.test(row.clientLabel),
  }),
  define<string>({
    key: 'session',
    syntax: 'session:<id prefix>',
    description: 'Mcp-Session-Id or connection id (its beginning is enough)',
    parse: (raw) => (raw ? { value: raw.toLowerCase() } : { problem: 'session needs an id' }),
    test: (row, value, ctx) =>
      (row.sessionId?.toLowerCase().startsWith(value) ?? false) || (row.connectionId !== undefined && ctx.resolveConnection(row.connectionId).toLowerCase().includes(value)),
  }),
  define<string[]>({
    key: 'rpc',
    syntax: 'rpc:tools/call,initialize',
    description: 'JSON-RPC method the request carried (a trailing * matches a prefix: notifications/*)',
    // Method names are case-sensitive in JSON-RPC: compared as written.
    parse: (raw) => ({ value: raw.split(',').map((m) => m.trim()).filter(Boolean) }),
    test: (row, values) => values.some((v) => row.rpcMethods.some((m) => (v.endsWith('*') ? m.startsWith(v.slice(0, -1)) : m === v))),
  }),
  define<string[]>({
    key: 'method',
    syntax: 'method:GET,POST',
    description: 'HTTP method',
    parse: (raw) => ({ value: list(raw).map((m) => m.toUpperCase()) }),
    test: (row, values) => values.includes(row.method.toUpperCase()),
  }),
  define<string[]>({
    key: 'is',
    syntax: 'is:paused,error,challenge,closed,replay,changed,simulated,streaming,mrtr,input-required',
    description:
      'Exchange state: held at a breakpoint, failed (the client did not get what it asked for), a 401 challenge, a stream the client closed, a replay, changed by a toggle or rule, sent by the simulator, an open stream, a round of a multi-round-trip request, answered input_required',
    parse(raw) {
      const known = ['paused', 'error', 'failed', 'challenge', 'closed', 'replay', 'changed', 'simulated', 'streaming', 'mrtr', 'input-required'];
      const bad = list(raw).filter((v) => !known.includes(v));
      return bad.length ? { problem: `is takes ${known.join(', ')}` } : { value: list(raw) };
    },
    test: (row, values) =>
      values.some(
        (v) =>
          (v === 'paused' && !!row.paused) ||
          ((v === 'error' || v === 'failed') && isFailed(row.outcome)) ||
          (v === 'challenge' && row.outcome === 'challenge') ||
          (v === 'closed' && row.outcome === 'closed-by-client') ||
          (v === 'replay' && !!row.replayOf) ||
          (v === 'changed' && row.appliedRules.length > 0) ||
          (v === 'simulated' && !!row.simulated) ||
          (v === 'streaming' && row.state === 'streaming') ||
          (v === 'mrtr' && !!row.mrtr) ||
          (v === 'input-required' && row.outcome === 'input-required'),
      ),
  }),
  define<Array<(row: ExchangeSummary) => boolean>>({
    key: 'lint',
    syntax: 'lint:any,error,warning,info,<rule-id>',
    description: 'Lint findings on the exchange: any, at least one of a severity, or a rule id (a trailing * matches a prefix: token-*); -lint:any hides them',
    parse(raw) {
      const values = list(raw);
      const ids: readonly string[] = LINT_RULE_IDS;
      const bad = values.filter((v) => !['any', 'error', 'warning', 'info'].includes(v) && !(v.endsWith('*') ? ids.some((id) => id.startsWith(v.slice(0, -1))) : ids.includes(v)));
      if (values.length === 0 || bad.length) return { problem: `lint takes any, error, warning, info or a rule id${bad.length ? `; no rule ${bad.join(', ')}` : ''}` };
      return {
        value: values.map((v): ((row: ExchangeSummary) => boolean) => {
          if (v === 'any') return (row) => row.lint !== undefined;
          if (v === 'error') return (row) => (row.lint?.errors ?? 0) > 0;
          if (v === 'warning') return (row) => (row.lint?.warnings ?? 0) > 0;
          if (v === 'info') return (row) => (row.lint?.infos ?? 0) > 0;
          if (v.endsWith('*')) return (row) => row.lint?.rules.some((id) => id.startsWith(v.slice(0, -1))) ?? false;
          return (row) => row.lint?.rules.includes(v as never) ?? false;
        }),
      };
    },
    test: (row, tests) => tests.some((test) => test(row)),
  }),
  define<string>({
    key: 'run',
    syntax: 'run:<simulation run id prefix>',
    description: 'Exchanges of one simulator run (its beginning is enough)',
    parse: (raw) => (raw ? { value: raw.toLowerCase() } : { problem: 'run needs a simulation run id' }),
    test: (row, value) => row.simulationRun?.toLowerCase().startsWith(value) ?? false,
  }),
] as const;

const BY_KEY = new Map<string, FilterDefinition>(FILTERS.map((f) => [f.key, f as FilterDefinition]));

export interface ParsedQuery {
  filters: Array<{ definition: FilterDefinition; value: unknown; negate: boolean }>;
  /** Free words, lower-case, all of which must match. */
  text: string[];
  problems: string[];
}

export function parseQuery(query: string): ParsedQuery {
  const parsed: ParsedQuery = { filters: [], text: [], problems: [] };
  for (const word of query.trim().split(/\s+/).filter(Boolean)) {
    const match = /^(-?)([a-z]+):(.*)$/i.exec(word);
    const definition = match ? BY_KEY.get(match[2]!.toLowerCase()) : undefined;
    if (!match || !definition) {
      parsed.text.push(word.toLowerCase());
      continue;
    }
    const result = definition.parse(match[3]!);
    if ('problem' in result) parsed.problems.push(`${definition.key}: ${result.problem}`);
    else parsed.filters.push({ definition, value: result.value, negate: match[1] === '-' });
  }
  return parsed;
}

/** Rows never change (a change is a new row object), so their lower-cased text is kept. */
const rowTexts = new WeakMap<ExchangeSummary, string>();

/** The row's own text that free words match without asking the core. */
function rowText(row: ExchangeSummary): string {
  let text = rowTexts.get(row);
  if (text === undefined) {
    text = computeRowText(row);
    rowTexts.set(row, text);
  }
  return text;
}

function computeRowText(row: ExchangeSummary): string {
  return `${row.method} ${row.url} ${row.label} ${row.clientLabel} ${row.status ?? ''} ${row.sessionId ?? ''} ${row.rpcMethods.join(' ')} ${row.rpcTarget ?? ''}`.toLowerCase();
}

export function matchesQuery(row: ExchangeSummary, query: ParsedQuery, ctx: FilterContext): boolean {
  for (const { definition, value, negate } of query.filters) {
    if (definition.test(row, value, ctx) === negate) return false;
  }
  if (query.text.length === 0) return true;
  if (ctx.searchHits?.has(row.id)) return true;
  const text = rowText(row);
  return query.text.every((word) => text.includes(word));
}

/** Puts `key:value` in the query in place of any earlier value of that key (empty value removes it). */
export function withFilter(query: string, key: string, value: string): string {
  const words = query.trim().split(/\s+/).filter((w) => w && !new RegExp(`^-?${key}:`, 'i').test(w));
  if (value) words.push(`${key}:${value}`);
  return words.join(' ');
}

export function filterValue(query: string, key: string): string {
  return new RegExp(`(?:^|\\s)${key}:(\\S*)`, 'i').exec(query)?.[1] ?? '';
}
