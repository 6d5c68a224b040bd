import { describe, expect, it } from 'vitest';
import type { Step } from '../../../src/shared/rules';
import { parseRules } from '../../../src/main/core/proxy/rules';
import { STEPS } from '../../../src/main/core/proxy/steps';

// One example of every step type: the registry must hold an executor for each, able to act at
// the stage it claims, and the rules file format must accept it.
const EXAMPLES: { [K in Step['type']]: Extract<Step, { type: K }> } = {
  delay: { type: 'delay', ms: 1 },
  reply: { type: 'reply', status: 503 },
  close: { type: 'close' },
  reset: { type: 'reset' },
  timeout: { type: 'timeout' },
  'set-status': { type: 'set-status', status: 204 },
  'set-headers': { type: 'set-headers', set: { a: 'b' } },
  'replace-body': { type: 'replace-body', body: '' },
  'patch-json': { type: 'patch-json', remove: ['/a'] },
  'sse-drop-event': { type: 'sse-drop-event', index: 0 },
  'sse-delay-event': { type: 'sse-delay-event', index: 0, ms: 1 },
  'sse-close-after': { type: 'sse-close-after', count: 1 },
  breakpoint: { type: 'breakpoint', stage: 'request' },
};

describe('step registry', () => {
  it.each(Object.values(EXAMPLES))('%o: an executor that can act at its stage, explains itself, and parses', (step) => {
    const executor = STEPS[step.type] as (typeof STEPS)[keyof typeof STEPS];
    const stage = (executor.stage as (s: Step) => string)(step);
    if (stage !== 'response') expect(executor.onRequest).toBeTypeOf('function');
    if (stage !== 'request') expect(executor.onResponse).toBeTypeOf('function');
    if (executor.final) expect(stage).toBe('request');
    expect((executor.explain as (s: Step) => string)(step)).toMatch(/^[a-z].+[^.]$/);
    expect(parseRules([{ id: 'r', steps: [step] }])[0]!.steps).toEqual([step]);
  });

  it('covers exactly the step types, and the format refuses an unknown one', () => {
    expect(Object.keys(STEPS).sort()).toEqual(Object.keys(EXAMPLES).sort());
    expect(() => parseRules([{ id: 'r', steps: [{ type: 'teleport' }] }])).toThrow(/rules\[0\]\.steps\[0\]/);
  });
});
