import { AS_INTERCEPT_LIMIT_RULE } from '../../proxy/asIntercept';
import type { LintCheck } from '../rule';

// --intercept-as (docs/intercept-as.md): what the front door said it could not see or rewrite for a
// client, as the note on the recorded exchange says it, made a finding so it shows in lint too.

/** An authorization request whose response the front door cannot relay (pre-registered or CIMD client). */
export const blindLeg: LintCheck = (exchange) => {
  const notes = exchange.appliedRules.filter((rule) => rule.ruleId === AS_INTERCEPT_LIMIT_RULE);
  if (!notes.length) return undefined;
  return { message: notes.map((note) => note.explanation).join(' ') };
};
