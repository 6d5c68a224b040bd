import type { ReplayProfile } from '../../../../shared/simulator';
import type { JSONWebKeySet } from 'jose';
import { publicJwk, simulatorSigningKey } from '../../simulator/clientKeys';
import { clientMetadataDocumentFor } from '../../simulator/oauth';
import { PROFILES } from '../../simulator/profiles';

// The Client ID Metadata Documents of the simulator's built-in client profiles (claude.ai,
// claude-code, vscode.dev): the reference server falls back to these when the real URL can't
// be fetched (an offline machine, a sandbox), so `simulate --client claude-ai` against a
// separately running `serve` still connects. The real document is always tried first; the
// built-in copy is used only when that fetch fails, and the authorize answer says so.

/** Response header on the authorize answer naming where a CIMD client's document came from. */
export const CIMD_SOURCE_HEADER = 'X-MCP-Inspector-CIMD';

/**
 * The redirect URI a built-in document registers: a loopback `{port}` is dropped, since any
 * port matches a port-less loopback redirect URI (RFC 8252 §7.3, see redirectUriMatches).
 * Undefined when the template still has a per-run part (`{id}`): no fixed document fits it.
 */
function documentRedirectUri(template: string): string | undefined {
  const uri = template.replace(':{port}', '');
  return uri.includes('{') ? undefined : uri;
}

function builtInDocument(profile: ReplayProfile): Record<string, unknown> | undefined {
  const redirectUri = documentRedirectUri(profile.auth.redirectUri);
  if (!profile.auth.cimdClientId || !profile.auth.registration.includes('cimd') || !redirectUri) return undefined;
  return clientMetadataDocumentFor(profile.auth, redirectUri);
}

let catalogue: ReadonlyMap<string, Record<string, unknown>> | undefined;

/** CIMD URL → document, derived from PROFILES (the first profile naming a URL gives its document). */
export function builtInClientMetadataDocuments(): ReadonlyMap<string, Record<string, unknown>> {
  if (!catalogue) {
    const documents = new Map<string, Record<string, unknown>>();
    for (const profile of PROFILES) {
      if (profile.driver !== 'replay') continue;
      const document = builtInDocument(profile);
      if (document && !documents.has(profile.auth.cimdClientId!)) documents.set(profile.auth.cimdClientId!, document);
    }
    catalogue = documents;
  }
  return catalogue;
}

/** The built-in document for a CIMD URL, or undefined when no built-in profile publishes it. */
export function builtInClientMetadataDocument(clientId: string): Record<string, unknown> | undefined {
  const document = builtInClientMetadataDocuments().get(clientId);
  return document ? structuredClone(document) : undefined;
}

/**
 * The JWKS a built-in profile's `jwks_uri` stands for: the public half of the simulator's
 * signing key for that profile (simulator/clientKeys.ts), so a `private_key_jwt` assertion the
 * simulator signs verifies for real against the built-in document. Undefined for other URLs.
 */
export function builtInJwks(jwksUri: string): JSONWebKeySet | undefined {
  const keys = PROFILES.flatMap((profile) => {
    const assertion = profile.driver === 'replay' ? profile.auth.clientAssertion : undefined;
    const key = assertion?.jwksUri === jwksUri ? simulatorSigningKey(assertion.kid) : undefined;
    return key ? [publicJwk(key)] : [];
  });
  return keys.length ? { keys: [...new Map(keys.map((k) => [k.kid, k])).values()] } : undefined;
}

/**
 * What the exchange says about a client resolved from its built-in copy, e.g. `built-in (could
 * not fetch https://claude.ai/oauth/mcp-oauth-client-metadata: fetch failed)`. Printable ASCII
 * only: it is sent as a header value.
 */
export function builtInCimdNote(clientId: string, fetchError: string): string {
  const prefix = `Could not fetch the client metadata document ${clientId}: `;
  const reason = fetchError.startsWith(prefix) ? fetchError.slice(prefix.length) : fetchError;
  return `built-in (could not fetch ${clientId}: ${reason})`.replace(/[^\x20-\x7e]/g, '?');
}
