import { LINT_CLIENT_NAMES, LINT_RULES, type LintRuleId } from '../../../shared/lint';
import * as auth from './checks/authorization';
import * as routingHeaders from './checks/routingHeaders';
import * as session from './checks/session';
import * as subscriptions from './checks/subscriptions';
import * as transport from './checks/transport';
import * as mrtr from './checks/mrtr';
import * as hostedAs from './checks/hostedAs';
import * as asIntercept from './checks/asIntercept';
import * as clients2026 from './checks/clients2026';
import type { Exchange } from '../../../shared/exchange';
import type { LintChecks, LintRuleDefinition } from './rule';

// The registry: every rule id of the catalogue (src/shared/lint.ts) with its check. The
// Record type makes a rule without a check, or a check without a rule, a type error.

const CHECKS: LintChecks = {
  'notification-not-202': transport.notificationStatusNot202,
  'get-mcp-501': transport.getStream501,
  'get-mcp-not-405': transport.getStreamNot405,
  'strict-accept-406': transport.strictAccept406,
  'protocol-version-header-required': transport.protocolVersionHeaderRequired,
  'jsonrpc-id-mismatch': transport.jsonRpcIdMismatch,
  'sse-without-pings': transport.sseWithoutPings,
  'cors-missing': transport.corsMissing,
  'host-rejected': transport.hostRejected,
  'legacy-sse-post-accepted': transport.legacySsePostAccepted,
  'sse-closed-without-retry': transport.sseClosedWithoutRetry,
  'listen-ack-not-first': subscriptions.listenAckNotFirst,
  'listen-subscription-id-mismatch': subscriptions.listenSubscriptionIdMismatch,
  'listen-notification-outside-filter': subscriptions.listenNotificationOutsideFilter,
  'initialize-missing-session-id': session.initializeWithoutSessionId,
  'session-id-not-enforced': session.sessionIdNotEnforced,
  'unknown-session-400': session.unknownSession400,
  'missing-session-404': session.missingSession404,
  'protocol-version-mismatch': session.protocolVersionMismatch,
  'version-negotiation-error': session.versionNegotiationError,
  'header-body-mismatch': routingHeaders.headerBodyMismatch,
  'protocol-version-header-meta-mismatch': routingHeaders.protocolVersionHeaderMetaMismatch,
  'header-mismatch-not-rejected': routingHeaders.headerMismatchNotRejected,
  'result-type-invalid': routingHeaders.resultTypeInvalid,
  'protocol-version-header-list': transport.protocolVersionHeaderList,
  'mrtr-state-not-echoed': mrtr.stateNotEchoed,
  'mrtr-retry-reused-id': mrtr.retryReusedId,
  'mrtr-input-responses-missing': mrtr.inputResponsesMissing,
  'mrtr-input-required-incomplete': mrtr.inputRequiredIncomplete,
  'mrtr-input-capability-undeclared': mrtr.inputCapabilityUndeclared,
  'mrtr-abandoned': mrtr.abandoned,
  'unauthorized-without-challenge': auth.unauthorizedWithoutChallenge,
  'challenge-without-resource-metadata': auth.challengeWithoutResourceMetadata,
  'lazy-auth-initialize': auth.lazyAuthInitialize,
  'token-validated-on-initialize': auth.tokenValidatedOnInitialize,
  'token-rejected-after-issue': auth.tokenRejectedAfterIssue,
  'well-known-behind-auth': auth.wellKnownBehindAuth,
  'discovery-not-json': auth.discoveryNotJson,
  'prm-resource-mismatch': auth.prmResourceMismatch,
  'prm-without-authorization-servers': auth.prmWithoutAuthorizationServers,
  'prm-single-location': auth.prmSingleLocation,
  'as-metadata-missing-on-mcp-host': auth.asMetadataMissingOnMcpHost,
  'www-authenticate-malformed': auth.wwwAuthenticateMalformed,
  'egress-blocked': auth.egressBlocked,
  'as-metadata-without-s256': auth.asMetadataWithoutS256,
  'as-metadata-without-registration': auth.asMetadataWithoutRegistration,
  'cimd-without-none': auth.cimdWithoutNone,
  'oauth-error-not-rfc6749': auth.oauthErrorNotRfc6749,
  'registration-rejects-redirect-uri': auth.registrationRejectsRedirectUri,
  'invalid-client-400': auth.invalidClient400,
  'client-assertion-refused': auth.clientAssertionRefused,
  'token-response-without-token-type': auth.tokenResponseWithoutTokenType,
  'token-response-without-expires-in': auth.tokenResponseWithoutExpiresIn,
  'token-audience-mismatch': auth.tokenAudienceMismatch,
  'granted-scope-unsupported': auth.grantedScopeUnsupported,
  'registration-response-invalid': auth.registrationResponseInvalid,
  'loopback-redirect-port-exact': auth.loopbackRedirectPortExact,
  'authorize-scope-rejected': auth.authorizeScopeRejected,
  'registration-mixed-redirect-schemes': auth.registrationMixedRedirectSchemes,
  'authorize-endpoint-not-from-metadata': auth.authorizeEndpointNotFromMetadata,
  // Hosted authorization servers (issue 17 item 4)
  'as-metadata-issuer-mismatch': hostedAs.asMetadataIssuerMismatch,
  'as-metadata-openid-only': hostedAs.asMetadataOpenIdOnly,
  'registration-requires-initial-access-token': hostedAs.registrationRequiresInitialAccessToken,
  'access-token-without-kid': hostedAs.accessTokenWithoutKid,
  // --intercept-as (issue 17 item 2)
  'as-intercept-blind-leg': asIntercept.blindLeg,
  // 2026 client reports (issue 16 item 3)
  'discover-without-auth': clients2026.discoverWithoutAuth,
  'prm-not-fetched': clients2026.prmNotFetched,
  'oauth-on-authless-server': clients2026.oauthOnAuthlessServer,
  'client-metadata-document-unavailable': clients2026.clientMetadataDocumentUnavailable,
  'listen-held-open-idle': clients2026.listenHeldOpenIdle,
};

/**
 * Connection rules whose evidence may arrive after the exchange they judge, with the exchanges
 * each can judge at all (what its check requires of the exchange itself).
 */
const LOOKS_AHEAD: Partial<Record<LintRuleId, (exchange: Exchange) => boolean>> = {
  'lazy-auth-initialize': auth.unauthenticatedInitialize,
  'prm-resource-mismatch': auth.servedPrm,
  'token-audience-mismatch': (e) => auth.tokenResponse(e) !== undefined,
  'mrtr-abandoned': mrtr.awaitsRetry,
  // The other URL, the legacy stream, the PRM naming an external server may come after the miss.
  'prm-single-location': auth.missedPrm,
  'as-metadata-missing-on-mcp-host': auth.missedAsMetadata,
  'legacy-sse-post-accepted': transport.initializeNotAnswered,
  // The OpenID document is usually fetched after the RFC 8414 404.
  'as-metadata-openid-only': hostedAs.missedRfc8414Metadata,
  // The 401 or the PRM that shows the server wants a token may come after the 200 to server/discover.
  'discover-without-auth': clients2026.unauthenticatedDiscover,
};

/** Rules live lint also runs on streams still open (their silence so far), so a finding comes while it matters. */
const JUDGES_OPEN: readonly LintRuleId[] = ['sse-without-pings', 'listen-held-open-idle'];

export const LINT_RULE_DEFINITIONS: readonly LintRuleDefinition[] = LINT_RULES.map((rule) => ({
  ...rule,
  check: CHECKS[rule.id],
  looksAhead: LOOKS_AHEAD[rule.id],
  judgesOpen: JUDGES_OPEN.includes(rule.id),
  explain: () =>
    [
      `${rule.title} (${rule.severity}).`,
      rule.explanation,
      rule.breaks.length ? `Breaks: ${rule.breaks.map((c) => LINT_CLIENT_NAMES[c] ?? c).join(', ')}.` : '',
      `Source: ${rule.sources.map((s) => (s.url ? `${s.title} <${s.url}>` : s.title)).join('; ')}.`,
      `Fix: ${rule.fix}`,
    ]
      .filter(Boolean)
      .join(' '),
}));

const BY_ID = new Map(LINT_RULE_DEFINITIONS.map((rule) => [rule.id, rule]));

export function lintRule(id: LintRuleId): LintRuleDefinition {
  return BY_ID.get(id)!;
}
