import { z } from 'zod';
import type { Classification, HttpHeaders } from '../../../shared/exchange';
import type { Matcher, Rule, Step } from '../../../shared/rules';

// The rules engine: which rules apply to an exchange, and what their steps mean. Matching is
// pure; executing steps is the front door's job (frontDoor.ts).

export interface MatchInput {
  method: string;
  path: string;
  headers: HttpHeaders;
  classification: Classification;
  /** The upstream's status, once known (response-side matching). */
  status?: number;
}

const FINAL_STEPS = new Set<Step['type']>(['reply', 'close', 'reset', 'timeout']);
/** Steps that act before the request goes upstream. */
export const REQUEST_STEPS = new Set<Step['type']>(['delay', 'reply', 'close', 'reset', 'timeout']);

/** Whether a step acts before the request goes upstream (for rules judged on the request). */
export function isRequestStep(step: Step): boolean {
  return REQUEST_STEPS.has(step.type) || (step.type === 'breakpoint' && step.stage === 'request');
}

export function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  const pattern = escaped.replace(/\*\*/g, '\u0000').replace(/\*/g, '[^/]*').replace(/\u0000/g, '.*').replace(/\?/g, '[^/]');
  return new RegExp(`^${pattern}$`);
}

function headerValue(headers: HttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : value;
}

export function matches(matcher: Matcher, input: MatchInput): boolean {
  return holds(matcher, input) !== (matcher.negate ?? false);
}

function holds(matcher: Matcher, input: MatchInput): boolean {
  switch (matcher.type) {
    case 'method':
      return matcher.methods.some((m) => m.toUpperCase() === input.method.toUpperCase());
    case 'path':
      return globToRegExp(matcher.glob).test(input.path);
    case 'phase':
      return matcher.phases.includes(input.classification.phase);
    case 'jsonrpc-method':
      return (input.classification.jsonRpc?.methods ?? []).some((m) => matcher.methods.includes(m));
    case 'jsonrpc-kind':
      return input.classification.jsonRpc !== undefined && matcher.kinds.includes(input.classification.jsonRpc.kind);
    case 'header': {
      const value = headerValue(input.headers, matcher.name);
      return value !== undefined && (matcher.contains === undefined || value.toLowerCase().includes(matcher.contains.toLowerCase()));
    }
    case 'status':
      return input.status !== undefined && matcher.statuses.includes(input.status);
  }
}

/** Whether a rule's matchers can only be judged once the upstream answered. */
export function needsResponse(rule: Rule): boolean {
  return rule.match.some((m) => m.type === 'status');
}

export function ruleMatches(rule: Rule, input: MatchInput): boolean {
  return rule.enabled && rule.match.every((m) => matches(m, input));
}

/** Checks a rule is well-formed: a final step may only come last, statuses are HTTP statuses. */
export function validateRule(rule: Rule): string[] {
  const problems: string[] = [];
  if (!rule.id) problems.push('a rule needs an id');
  rule.steps.forEach((step, i) => {
    if (FINAL_STEPS.has(step.type) && i !== rule.steps.length - 1) problems.push(`step ${i + 1} (${step.type}) ends the exchange, so it must be the last step`);
    if ((step.type === 'reply' || step.type === 'set-status') && !(step.status >= 100 && step.status <= 599)) problems.push(`step ${i + 1}: ${step.status} is not an HTTP status`);
    if (step.type === 'delay' && !(step.ms >= 0)) problems.push(`step ${i + 1}: delay must be a non-negative number of ms`);
    if (step.type === 'patch-json') {
      const pointers = [...(step.remove ?? []), ...Object.keys(step.replace ?? {})];
      if (pointers.length === 0) problems.push(`step ${i + 1}: patch-json needs a "remove" or "replace" path`);
      for (const pointer of pointers) if (!pointer.startsWith('/')) problems.push(`step ${i + 1}: "${pointer}" is not a JSON Pointer (it starts with "/")`);
    }
  });
  if (needsResponse(rule) && rule.steps.some((s) => (REQUEST_STEPS.has(s.type) && s.type !== 'delay') || (s.type === 'breakpoint' && s.stage === 'request'))) {
    problems.push('a rule that matches on the upstream status can only change the response');
  }
  return problems;
}

/** A sentence for the timeline and the rules editor. */
export function explainStep(step: Step): string {
  switch (step.type) {
    case 'delay':
      return `wait ${step.ms} ms`;
    case 'reply':
      return `answer ${step.status} without contacting the upstream`;
    case 'close':
      return 'close the connection without an answer';
    case 'reset':
      return 'reset the connection';
    case 'timeout':
      return 'never answer';
    case 'set-status':
      return `change the status to ${step.status}`;
    case 'set-headers': {
      const parts = [
        ...Object.entries(step.set ?? {}).map(([k, v]) => `set ${k}: ${v}`),
        ...(step.remove ?? []).map((k) => `remove ${k}`),
      ];
      return parts.join(', ') || 'leave the headers';
    }
    case 'replace-body':
      return 'replace the body';
    case 'patch-json': {
      const parts = [...(step.remove ?? []).map((p) => `remove ${p}`), ...Object.entries(step.replace ?? {}).map(([p, v]) => `set ${p} to ${JSON.stringify(v)}`)];
      return `in each JSON-RPC message, ${parts.join(', ')}`;
    }
    case 'sse-drop-event':
      return `drop SSE event #${step.index}`;
    case 'sse-delay-event':
      return `hold SSE event #${step.index} back ${step.ms} ms`;
    case 'sse-close-after':
      return `close the stream after ${step.count} events`;
    case 'breakpoint':
      return `pause before the ${step.stage === 'request' ? 'request goes upstream' : 'response reaches the client'}`;
  }
}

const negate = { negate: z.boolean().optional() };
const matcherSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('method'), methods: z.array(z.string()).min(1), ...negate }),
  z.object({ type: z.literal('path'), glob: z.string().min(1), ...negate }),
  z.object({ type: z.literal('phase'), phases: z.array(z.enum(['discovery', 'registration', 'authorization', 'token', 'jsonrpc', 'sse-stream', 'session-end', 'other'])).min(1), ...negate }),
  z.object({ type: z.literal('jsonrpc-method'), methods: z.array(z.string()).min(1), ...negate }),
  z.object({ type: z.literal('jsonrpc-kind'), kinds: z.array(z.enum(['request', 'notification', 'response', 'error', 'batch'])).min(1), ...negate }),
  z.object({ type: z.literal('header'), name: z.string().min(1), contains: z.string().optional(), ...negate }),
  z.object({ type: z.literal('status'), statuses: z.array(z.number().int()).min(1), ...negate }),
]);

const stepSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('delay'), ms: z.number().nonnegative() }),
  z.object({ type: z.literal('reply'), status: z.number().int(), headers: z.record(z.string(), z.string()).optional(), body: z.string().optional() }),
  z.object({ type: z.literal('close') }),
  z.object({ type: z.literal('reset') }),
  z.object({ type: z.literal('timeout') }),
  z.object({ type: z.literal('set-status'), status: z.number().int() }),
  z.object({ type: z.literal('set-headers'), set: z.record(z.string(), z.string()).optional(), remove: z.array(z.string()).optional() }),
  z.object({ type: z.literal('replace-body'), body: z.string(), contentType: z.string().optional() }),
  z.object({ type: z.literal('patch-json'), remove: z.array(z.string()).optional(), replace: z.record(z.string(), z.unknown()).optional() }),
  z.object({ type: z.literal('sse-drop-event'), index: z.number().int().nonnegative() }),
  z.object({ type: z.literal('sse-delay-event'), index: z.number().int().nonnegative(), ms: z.number().nonnegative() }),
  z.object({ type: z.literal('sse-close-after'), count: z.number().int().positive() }),
  z.object({ type: z.literal('breakpoint'), stage: z.enum(['request', 'response']), timeoutMs: z.number().int().positive().max(600_000).optional() }),
]);

const ruleSchema = z.object({
  id: z.string().min(1),
  description: z.string().default(''),
  enabled: z.boolean().default(true),
  match: z.array(matcherSchema).default([]),
  steps: z.array(stepSchema).min(1),
  limit: z.number().int().positive().optional(),
});

export class InvalidRulesError extends Error {}

/** Parses rules from JSON (a rules file, the control API), naming every problem with its place. */
export function parseRules(value: unknown): Rule[] {
  const parsed = z.array(ruleSchema).safeParse(value);
  if (!parsed.success) {
    // rules[0].match[1].type, as one would write it in JavaScript.
    const place = (path: PropertyKey[]) => `rules${path.map((key) => (typeof key === 'number' ? `[${key}]` : `.${String(key)}`)).join('')}`;
    const problems = parsed.error.issues.map((i) => `${place(i.path)}: ${i.message}`);
    throw new InvalidRulesError(`Invalid rules: ${problems.join('; ')}`);
  }
  const rules = parsed.data as Rule[];
  const problems = rules.flatMap((rule, i) => validateRule(rule).map((p) => `rules[${i}] (${rule.id}): ${p}`));
  const ids = rules.map((r) => r.id);
  const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
  if (duplicate) problems.push(`rule id "${duplicate}" is used twice`);
  if (problems.length) throw new InvalidRulesError(`Invalid rules: ${problems.join('; ')}`);
  return rules;
}
