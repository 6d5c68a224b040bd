import { z } from 'zod';
import type { Rule, Step } from '../../../shared/rules';
import { explainMatcher, matches, matcherSchema, type MatchInput } from './matchers';
import { executorOf, needsResponse, STEPS, stepProblems } from './steps';

// The rules engine's data side: which rules apply to an exchange, whether a rule is
// well-formed, and the rules file format. Matchers live in matchers.ts, steps in steps/ (one
// executor each); running them is the front door's (ruleRunner.ts).

export { explainStep, needsResponse } from './steps';
export { globToRegExp, matches, type MatchInput } from './matchers';

/** Whether a step acts before the request goes upstream (for rules judged on the request). */
export function isRequestStep(step: Step): boolean {
  return executorOf(step).stage(step) !== 'response';
}

/** A rule in one sentence, from its matchers' and steps' own: "When the method is POST and …: wait 5 ms, then …". */
export function explainRule(rule: Rule): string {
  const when = rule.match.length ? `When ${rule.match.map(explainMatcher).join(' and ')}` : 'On every exchange';
  const limit = rule.limit !== undefined ? ` (the first ${rule.limit} only)` : '';
  return `${when}${limit}: ${rule.steps.map((step) => executorOf(step).explain(step)).join(', then ')}`;
}

export function ruleMatches(rule: Rule, input: MatchInput): boolean {
  return rule.enabled && rule.match.every((m) => matches(m, input));
}

/** Checks a rule is well-formed: a final step may only come last, statuses are HTTP statuses, … */
export function validateRule(rule: Rule): string[] {
  return [...(rule.id ? [] : ['a rule needs an id']), ...stepProblems(rule)];
}

const stepSchema = z.discriminatedUnion(
  'type',
  Object.values(STEPS).map((executor) => executor.schema) as unknown as [z.ZodObject<{ type: z.ZodLiteral<string> }>, ...Array<z.ZodObject<{ type: z.ZodLiteral<string> }>>],
);

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
