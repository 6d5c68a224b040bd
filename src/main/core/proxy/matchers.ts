import { z } from 'zod';
import type { Classification, HttpHeaders } from '../../../shared/exchange';
import type { Matcher } from '../../../shared/rules';

// The matcher registry: what each matcher type of a rule checks, its schema in the rules file
// format, and the sentence that says so. A matcher type is its member of `Matcher`
// (src/shared/rules.ts), its schema and its entry here: the mapped type makes the compiler
// refuse a table that misses one.

/** What matchers see of an exchange. */
export interface MatchInput {
  method: string;
  path: string;
  headers: HttpHeaders;
  classification: Classification;
  /** The upstream's status, once known (response-side matching). */
  status?: number;
}

interface MatcherKind<M extends Matcher> {
  /** The matcher's member of the rules file format (without `negate`, which every matcher has). */
  readonly fields: z.ZodRawShape & { type: z.ZodLiteral<M['type']> };
  /** Whether the condition holds (before `negate`). */
  holds(matcher: M, input: MatchInput): boolean;
  /** One sentence: what an exchange must be for the matcher to hold. */
  explain(matcher: M): string;
}

type Kinds = { [K in Matcher['type']]: MatcherKind<Extract<Matcher, { type: K }>> };

const PHASES = ['discovery', 'registration', 'authorization', 'token', 'jsonrpc', 'sse-stream', 'session-end', 'other'] as const;
const JSONRPC_KINDS = ['request', 'notification', 'response', 'error', 'batch'] as const;

export function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  const pattern = escaped.replace(/\*\*/g, '\u0000').replace(/\*/g, '[^/]*').replace(/\u0000/g, '.*').replace(/\?/g, '[^/]');
  return new RegExp(`^${pattern}$`);
}

/** Globs compiled once each: a rule's path matcher is judged on every request. */
const globs = new Map<string, RegExp>();
function globRegExp(glob: string): RegExp {
  let pattern = globs.get(glob);
  if (!pattern) {
    if (globs.size >= 1000) globs.clear(); // rules edited many times over: start afresh
    globs.set(glob, (pattern = globToRegExp(glob)));
  }
  return pattern;
}

function headerValue(headers: HttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : value;
}

const list = (items: ReadonlyArray<string | number>) => items.join(' or ');

export const MATCHERS: Kinds = {
  method: {
    fields: { type: z.literal('method'), methods: z.array(z.string()).min(1) },
    holds: (m, input) => m.methods.some((method) => method.toUpperCase() === input.method.toUpperCase()),
    explain: (m) => `the method is ${list(m.methods)}`,
  },
  path: {
    fields: { type: z.literal('path'), glob: z.string().min(1) },
    holds: (m, input) => globRegExp(m.glob).test(input.path),
    explain: (m) => `the path matches ${m.glob}`,
  },
  phase: {
    fields: { type: z.literal('phase'), phases: z.array(z.enum(PHASES)).min(1) },
    holds: (m, input) => m.phases.includes(input.classification.phase),
    explain: (m) => `the exchange is in the ${list(m.phases)} phase`,
  },
  'jsonrpc-method': {
    fields: { type: z.literal('jsonrpc-method'), methods: z.array(z.string()).min(1) },
    holds: (m, input) => (input.classification.jsonRpc?.methods ?? []).some((method) => m.methods.includes(method)),
    explain: (m) => `the JSON-RPC method is ${list(m.methods)}`,
  },
  'jsonrpc-kind': {
    fields: { type: z.literal('jsonrpc-kind'), kinds: z.array(z.enum(JSONRPC_KINDS)).min(1) },
    holds: (m, input) => input.classification.jsonRpc !== undefined && m.kinds.includes(input.classification.jsonRpc.kind),
    explain: (m) => `the JSON-RPC body is a ${list(m.kinds)}`,
  },
  header: {
    fields: { type: z.literal('header'), name: z.string().min(1), contains: z.string().optional() },
    holds(m, input) {
      const value = headerValue(input.headers, m.name);
      return value !== undefined && (m.contains === undefined || value.toLowerCase().includes(m.contains.toLowerCase()));
    },
    explain: (m) => (m.contains === undefined ? `the request has a ${m.name} header` : `the request's ${m.name} header contains "${m.contains}"`),
  },
  status: {
    fields: { type: z.literal('status'), statuses: z.array(z.number().int()).min(1) },
    holds: (m, input) => input.status !== undefined && m.statuses.includes(input.status),
    explain: (m) => `the upstream answers ${list(m.statuses)}`,
  },
};

function kindOf<M extends Matcher>(matcher: M): MatcherKind<M> {
  return MATCHERS[matcher.type] as unknown as MatcherKind<M>;
}

export function matches(matcher: Matcher, input: MatchInput): boolean {
  return kindOf(matcher).holds(matcher, input) !== (matcher.negate ?? false);
}

/** A sentence for the rules editor: when the matcher holds ("the method is not GET" for a negated one). */
export function explainMatcher(matcher: Matcher): string {
  const sentence = kindOf(matcher).explain(matcher);
  return matcher.negate ? `not: ${sentence}` : sentence;
}

/** The matchers' part of the rules file format. */
export const matcherSchema = z.discriminatedUnion(
  'type',
  Object.values(MATCHERS).map((kind) => z.object({ ...kind.fields, negate: z.boolean().optional() })) as unknown as [z.ZodObject<{ type: z.ZodLiteral<string> }>, ...Array<z.ZodObject<{ type: z.ZodLiteral<string> }>>],
);
