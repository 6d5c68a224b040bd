import type { LintRuleId } from '../../src/shared/lint';

// How the MCP SDK clients react to each hosted-authorization-server toggle option (issue 17
// item 4). One table for the built-in AS (hosted-as.test.ts) and an intercepted one
// (intercept-as-toggles.test.ts): a toggle must act on the intercepted AS's answers exactly as on
// the built-in AS's, so both tests hold the clients to the same reactions.

export interface Reaction {
  /** What each client ends with: 'connected', or a piece of the error it stopped with. */
  sdk1: string | RegExp;
  sdk2: string | RegExp;
  /** Lint rules the run must bring (attributed to the toggle). */
  lint: LintRuleId[];
  /** The option sets the built-in server's profile: it cannot act on another server's answers. */
  builtInOnly?: true;
}

const REACTIONS: Record<string, Reaction> = {
  'as-metadata=openid-only': { sdk1: 'connected', sdk2: 'connected', lint: ['as-metadata-openid-only'] },
  'issuer-trailing-slash=added': { sdk1: 'connected', sdk2: /Issuer mismatch in authorization server metadata/, lint: ['as-metadata-issuer-mismatch'], builtInOnly: true },
  // SDK 2.x tolerates this direction (its issuersMatch): the PRM's "…/" names the slash-free issuer.
  'issuer-trailing-slash=removed': { sdk1: 'connected', sdk2: 'connected', lint: ['as-metadata-issuer-mismatch'], builtInOnly: true },
  'dcr=disabled': { sdk1: /does not support dynamic client registration/, sdk2: /does not support dynamic client registration/, lint: [] },
  // The SDKs surface the error_description of the 401.
  'dcr=initial-access-token': { sdk1: /initial access token is required/, sdk2: /initial access token is required/, lint: ['registration-requires-initial-access-token'] },
  // The 2025-11-25 spec says refuse; the TypeScript SDK only refuses a list without S256.
  'code-challenge-methods=omitted': { sdk1: 'connected', sdk2: 'connected', lint: ['as-metadata-without-s256'] },
  'code-challenge-methods=plain-only': { sdk1: /does not support code challenge method S256/, sdk2: /does not support code challenge method S256/, lint: ['as-metadata-without-s256'] },
  // The built-in MCP server validates such a token through /userinfo, as the logs' fixed server did.
  'access-token-kid=jwe': { sdk1: 'connected', sdk2: 'connected', lint: ['access-token-without-kid'], builtInOnly: true },
  // OAuth completes, then the MCP server refuses the token it cannot verify (on initialize: the spec profile wants a token there).
  'access-token-kid=jwe-jwks-only': { sdk1: /after OAuth/, sdk2: /401|Unauthorized|invalid_token/i, lint: ['access-token-without-kid', 'token-validated-on-initialize'], builtInOnly: true },
};

/** The toggles of the hosted-AS quirks. */
export const HOSTED_AS_TOGGLES = ['as-metadata', 'issuer-trailing-slash', 'dcr', 'code-challenge-methods', 'access-token-kid'];

/** The clients' reaction to `toggle` set to `option`. */
export function reaction(toggle: string, option: string): Reaction {
  const found = REACTIONS[`${toggle}=${option}`];
  if (!found) throw new Error(`no recorded reaction to ${toggle}=${option}`);
  return found;
}
