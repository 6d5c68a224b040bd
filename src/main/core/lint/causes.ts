import { breakToggleId, REQUIREMENTS } from '../../../shared/breaks';
import type { AppliedRule, Exchange } from '../../../shared/exchange';
import type { LintCause, LintFinding, LintRuleId, LintSeverity } from '../../../shared/lint';
import type { Step } from '../../../shared/rules';
import type { ToggleSelection } from '../../../shared/toggles';
import { TOGGLES } from '../proxy/toggles';

// Findings the user asked for. A toggle, a rule of the user's or an edit at a breakpoint can
// put a fault on the wire on purpose ("answer notifications 204"): lint still says what the
// client saw, but not as the server's error. Such a finding names what caused it, is at most
// a warning, and says that what matters now is how the client reacts.

/** Where a toggle's rule comes from in the catalogue (proxy/toggles.ts), by the rule's id. */
const TOGGLE_RULES = new Map<string, { cause: LintCause; steps: readonly Step[] }>(
  TOGGLES.flatMap((toggle) =>
    toggle.options.flatMap((option) =>
      option.rules.map((rule) => [rule.id, { cause: toggleCause(toggle.id, option.id)!, steps: rule.steps }] as const),
    ),
  ),
);

/**
 * The findings a toggle option makes on purpose when the built-in server plays it through its
 * own profile (Inspector.setToggle): the exchange then carries no applied rule, so lint has to
 * know. Every toggle option with profile fields is listed (a unit test holds the list to the
 * catalogue); an empty list says the option changes nothing lint judges.
 */
export const PROFILE_TOGGLE_FINDINGS: Readonly<Record<string, Readonly<Record<string, readonly LintRuleId[]>>>> = {
  'notification-status': { '204': ['notification-not-202'], '200': ['notification-not-202'] },
  'get-stream': { '405': [], '501': ['get-mcp-501'], '404': ['get-mcp-not-405'] },
  'session-id': { omit: ['initialize-missing-session-id'] },
  'initialize-401': { 'without-resource-metadata': ['challenge-without-resource-metadata'] },
  'hide-metadata': { 'hide-suffixed': ['prm-single-location'], 'hide-root': ['prm-single-location'] },
  'strict-accept': { strict: ['strict-accept-406'] },
  'host-validation': { 'reject-tunnel-host': ['host-rejected'], unprotected: [] },
  'scope-grant': { 'grant-any': ['granted-scope-unsupported'] },
  'private-key-jwt': { 'not-accepted': ['client-assertion-refused'], 'without-none': ['cimd-without-none'] },
  'redirect-uri-matching': { exact: ['loopback-redirect-port-exact'] },
  // The built-in AS refuses the authorization request, naming the document it could not read.
  'cimd-document': { html: ['client-metadata-document-unavailable'], '404': ['client-metadata-document-unavailable'] },
  // Hosted authorization servers (issue 17): DCR off is flagged only when CIMD is off too.
  'as-metadata': { 'openid-only': ['as-metadata-openid-only'] },
  'issuer-trailing-slash': { added: ['as-metadata-issuer-mismatch'], removed: ['as-metadata-issuer-mismatch'] },
  dcr: { disabled: ['as-metadata-without-registration'] },
  'access-token-kid': { jwe: ['access-token-without-kid'], 'jwe-jwks-only': ['access-token-without-kid', 'token-validated-on-initialize', 'token-rejected-after-issue'] },
  // The "break a requirement" toggles: each break names the lint rules that flag it (shared/breaks.ts).
  ...Object.fromEntries(REQUIREMENTS.map((r) => [breakToggleId(r.id), Object.fromEntries(r.breaks.map((b) => [b.id, b.lint]))])),
};

export function toggleCause(toggleId: string, optionId: string): LintCause | undefined {
  const toggle = TOGGLES.find((t) => t.id === toggleId);
  const option = toggle?.options.find((o) => o.id === optionId);
  if (!toggle || !option) return undefined;
  return { kind: 'toggle', id: toggle.id, option: option.id, name: `${toggle.title} → ${option.label}` };
}

/**
 * What an applied rule did to the exchange, read from its explanation (`<description>: <step>`,
 * proxy/rules.ts explainStep) when it is not a toggle's: `inert` steps change nothing lint
 * judges (a delay, a breakpoint resumed as it was); `response` steps change the status, headers
 * or body, which the recorder shows by keeping the upstream's own response; `other` steps
 * (answer without the upstream, close, reset, SSE event changes, breakpoint edits) change what
 * the client saw with no upstream answer to compare.
 */
export type StepEffect = 'inert' | 'response' | 'other';

const OTHER = [/: answer \d+ without contacting the upstream$/, /: close the connection without an answer$/, /: reset the connection$/, /: never answer$/, /: drop SSE event #\d+$/, /: hold SSE event #\d+ back \d+ ms$/, /: close the stream after \d+ events$/];
const INERT = [/: wait \d+ ms$/, /: pause before the (request goes upstream|response reaches the client)$/];
const RESPONSE = [/: change the status to \d+$/, /: replace the body$/, /: in each JSON-RPC message, (remove|set) .+$/, /: leave the headers$/, /: (set [^:,]+: .*|remove [^,]+)(, (set [^:,]+: .*|remove [^,]+))*$/];

export function appliedEffect(applied: AppliedRule): StepEffect {
  const fromCatalogue = TOGGLE_RULES.get(applied.ruleId);
  if (fromCatalogue) return stepsEffect(fromCatalogue.steps);
  if (applied.ruleId === 'breakpoint-edit' || OTHER.some((pattern) => pattern.test(applied.explanation))) return 'other';
  if (INERT.some((pattern) => pattern.test(applied.explanation))) return 'inert';
  if (RESPONSE.some((pattern) => pattern.test(applied.explanation))) return 'response';
  return 'other';
}

function stepsEffect(steps: readonly Step[]): StepEffect {
  const effects = steps.map((step): StepEffect => {
    switch (step.type) {
      case 'delay':
      case 'breakpoint':
        return 'inert';
      case 'set-status':
      case 'set-headers':
      case 'replace-body':
      case 'patch-json':
        return 'response';
      default:
        return 'other';
    }
  });
  return effects.includes('other') ? 'other' : effects.includes('response') ? 'response' : 'inert';
}

/** The cause an applied rule names (a toggle's rule is named by its toggle). */
function appliedCause(applied: AppliedRule): LintCause {
  const fromCatalogue = TOGGLE_RULES.get(applied.ruleId);
  if (fromCatalogue) return fromCatalogue.cause;
  if (applied.ruleId === 'breakpoint-edit') return { kind: 'breakpoint', id: applied.ruleId, name: applied.explanation };
  return { kind: 'rule', id: applied.ruleId, name: applied.explanation };
}

/**
 * The exchange as the upstream answered it, when a rule changed the status, headers or body
 * (the recorder keeps the upstream's response then; its body only when the body changed).
 */
export function asUpstreamAnswered(e: Exchange): Exchange | undefined {
  const upstream = e.upstreamResponse;
  if (!upstream || !e.response) return undefined;
  // What the recorder read from the visible response is read again from the upstream's.
  const { jsonRpcResponse: _visible, ...classification } = e.classification;
  return { ...e, response: { ...upstream, body: upstream.body ?? e.response.body }, sseEvents: [], classification, correlations: undefined, appliedRules: [] };
}

/**
 * Findings about what the client sent (the client's fault): a rule that answers or changes the
 * response cannot have caused them; only an edit at a breakpoint can rewrite a request.
 */
const ABOUT_THE_REQUEST: ReadonlySet<LintRuleId> = new Set(['header-body-mismatch', 'protocol-version-header-meta-mismatch', 'protocol-version-header-list']);

/**
 * Notes of the front door's origin rewriting, --intercept-as's included (proxy/asIntercept.ts):
 * they keep the conversation working through the proxy, so what the server or AS answered stays theirs.
 */
const ORIGIN_REWRITES: ReadonlySet<string> = new Set(['origin-rewrite', 'as-intercept', 'as-intercept-limit']);

/**
 * Who made a finding happen, if the user did: `firesOnUpstream` judges the exchange as the
 * upstream answered it (a finding the server earns by itself is the server's, whatever rules
 * ran). `serverToggles` are the toggles the built-in server plays through its profile now.
 */
export function causeOf(ruleId: LintRuleId, e: Exchange, firesOnUpstream: (upstream: Exchange) => boolean, serverToggles: ToggleSelection | undefined): LintCause | undefined {
  const changes = e.appliedRules.filter(
    (applied) => !ORIGIN_REWRITES.has(applied.ruleId) && appliedEffect(applied) !== 'inert' && (!ABOUT_THE_REQUEST.has(ruleId) || applied.ruleId === 'breakpoint-edit'),
  );
  if (changes.length) {
    const upstream = asUpstreamAnswered(e);
    // Status, header and body steps that left no upstream response behind changed nothing.
    const effective = upstream ? changes : changes.filter((applied) => appliedEffect(applied) === 'other');
    if (effective.length && !(upstream && firesOnUpstream(upstream))) {
      const causes = effective.map(appliedCause);
      return causes.find((c) => c.kind === 'toggle') ?? causes[0];
    }
  }
  // The built-in server played a toggle through its profile, and the inspector wrote that on
  // the exchange (byServer): a capture opened again says what the live session said, whatever
  // toggles are on by then.
  for (const applied of e.appliedRules) {
    const cause = applied.byServer ? TOGGLE_RULES.get(applied.ruleId)?.cause : undefined;
    if (cause?.option && PROFILE_TOGGLE_FINDINGS[cause.id]?.[cause.option]?.includes(ruleId)) return cause;
  }
  for (const [toggleId, optionId] of Object.entries(serverToggles ?? {})) {
    if (PROFILE_TOGGLE_FINDINGS[toggleId]?.[optionId]?.includes(ruleId)) return toggleCause(toggleId, optionId);
  }
  return undefined;
}

const CAPPED: Record<LintSeverity, LintSeverity> = { error: 'warning', warning: 'warning', info: 'info' };

/** A finding the user caused: named, at most a warning, and said to be about the client's reaction. */
export function attribute(finding: LintFinding, cause: LintCause): LintFinding {
  const what = cause.kind === 'breakpoint' ? 'an edit at a breakpoint' : `the ${cause.kind} “${cause.name}”`;
  return {
    ...finding,
    severity: CAPPED[finding.severity],
    message: `${finding.message} You asked for this with ${what}; what matters is how the client reacts.`,
    causedBy: cause,
  };
}
