import type { AppliedRule, Exchange } from '../../../shared/exchange';
import type { Toggle, ToggleOption } from '../../../shared/toggles';
import { toggleOptionName } from '../../../shared/toggles';
import { requestPath } from '../wire/paths';
import { matches, type MatchInput } from './rules';
import { TOGGLES } from './toggles';

// Which toggle changed an exchange, by name. In front of any upstream a toggle acts as rules and
// the front door records them as it applies them. With the built-in server a toggle with a
// profile field changes the server itself, so nothing in the front door acts: the toggle's rules
// (the same wire behaviour, as data) are then judged against the server's answer instead.

/** Rule id → the toggle option it belongs to, named as rows show it ("notifications → 204"). */
const RULE_NAMES = new Map<string, string>(TOGGLES.flatMap((toggle) => toggle.options.flatMap((option) => option.rules.map((rule) => [rule.id, toggleOptionName(toggle, option)] as const))));

/** The name of the toggle option a rule belongs to, for rule ids of the catalogue. */
export function toggleRuleName(ruleId: string): string | undefined {
  return RULE_NAMES.get(ruleId);
}

/**
 * The toggles (applied as the built-in server's profile) that changed this exchange, as applied
 * rules marked `byServer`. A toggle changed it when one of its rules' request matchers hold and
 * the server's answer is the one that rule produces: the status a `reply`/`set-status` step sets
 * (the status matcher of a `set-status` rule names the spec answer it replaced: 202), or, for
 * rules that change headers or bodies only, any answer their status matchers accept.
 * `upstreamStatus` is the server's own status (before any front-door rule changed it).
 */
export function serverToggleEffects(exchange: Exchange, upstreamStatus: number, active: ReadonlyArray<{ toggle: Toggle; option: ToggleOption }>): AppliedRule[] {
  const input: MatchInput = { method: exchange.request.method, path: requestPath(exchange.request.url), headers: exchange.request.headers, classification: exchange.classification };
  const effects: AppliedRule[] = [];
  for (const { toggle, option } of active) {
    const name = toggleOptionName(toggle, option);
    for (const rule of option.rules) {
      if (!rule.enabled) continue;
      const statusMatchers = rule.match.filter((m) => m.type === 'status');
      if (!rule.match.filter((m) => m.type !== 'status').every((m) => matches(m, input))) continue;
      const statusStep = rule.steps.find((step) => step.type === 'reply' || step.type === 'set-status');
      if (statusStep && (statusStep.type === 'reply' || statusStep.type === 'set-status')) {
        if (upstreamStatus !== statusStep.status) continue;
        const replaced = statusStep.type === 'set-status' && statusMatchers.length === 1 && !statusMatchers[0]!.negate && statusMatchers[0]!.statuses.length === 1 ? statusMatchers[0]!.statuses[0] : undefined;
        effects.push({
          ruleId: rule.id,
          explanation: `${name}: the built-in server answered ${statusStep.status}${replaced !== undefined ? ` instead of ${replaced}` : ''}, as the toggle set its profile`,
          setStatus: statusStep.status,
          ...(replaced !== undefined ? { fromStatus: replaced } : {}),
          byServer: true,
        });
      } else if (statusMatchers.every((m) => matches(m, { ...input, status: upstreamStatus }))) {
        effects.push({ ruleId: rule.id, explanation: `${name}: ${rule.description.charAt(0).toLowerCase()}${rule.description.slice(1)} by the built-in server, as the toggle set its profile`, byServer: true });
      }
    }
  }
  return effects;
}
