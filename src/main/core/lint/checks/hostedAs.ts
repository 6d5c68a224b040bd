import { decodeProtectedHeader, type ProtectedHeaderParameters } from 'jose';
import type { Exchange } from '../../../../shared/exchange';
import { clip } from '../../../../shared/text';
import { lastBefore, type LintCheck } from '../rule';
import { isAuthServerMetadata, isObject, isProtectedResourceMetadata, path, requestForm, requestHeader, responseJson, status } from '../wire';
import { tokenResponse } from './authorization';
import { isRedacted } from '../../recorder/redact';
import { isAuthorizationRequest } from '../../recorder/classify';

// Hosted authorization servers (issue 17 item 4): what Auth0, Keycloak, Google and the like
// answer differently from the built-in one, and what that does to MCP clients and servers.
// (Metadata without S256 and metadata offering no registration are as-metadata-without-s256 and
// as-metadata-without-registration in authorization.ts; a readable token bound elsewhere is
// token-audience-mismatch.)

const hostOf = (e: Exchange) => (requestHeader(e, 'x-forwarded-host') ?? requestHeader(e, 'host'))?.toLowerCase();

/** A 200 JSON authorization server metadata document (RFC 8414 or OpenID discovery). */
function servedMetadata(e: Exchange): Record<string, unknown> | undefined {
  if (!isAuthServerMetadata(e) || status(e) !== 200) return undefined;
  const json = responseJson(e);
  return isObject(json) ? json : undefined;
}

const RFC8414 = '/.well-known/oauth-authorization-server';
const OPENID = '/.well-known/openid-configuration';

/**
 * The issuer path a metadata request asked about (RFC 8414 section 3.1: the well-known string
 * inserted between host and path; OpenID Discovery: appended to the path), '' for the root.
 */
function issuerPathOf(e: Exchange): { flavour: 'rfc8414' | 'openid'; issuerPath: string } | undefined {
  const p = path(e);
  switch (e.classification.discovery) {
    case 'authorization-server-root':
    case 'authorization-server-suffixed':
      return { flavour: 'rfc8414', issuerPath: p.slice(RFC8414.length).replace(/\/$/, '') };
    case 'openid-configuration-root':
    case 'openid-configuration-suffixed':
      return { flavour: 'openid', issuerPath: p.slice(OPENID.length).replace(/\/$/, '') };
    case 'openid-configuration-appended':
      return { flavour: 'openid', issuerPath: p.slice(0, -OPENID.length) };
    default:
      return undefined;
  }
}

function parseUrl(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

/** The `authorization_servers` of a served Protected Resource Metadata document. */
function authorizationServers(e: Exchange): string[] {
  if (!isProtectedResourceMetadata(e) || status(e) !== 200) return [];
  const json = responseJson(e);
  const servers = isObject(json) ? json.authorization_servers : undefined;
  return Array.isArray(servers) ? servers.filter((s): s is string => typeof s === 'string') : [];
}

/**
 * The issuer identifier a client started from to fetch this metadata: the PRM's
 * `authorization_servers` entry (served before, on any connection) whose well-known URLs this
 * request is one of (RFC 8414 section 3.1 drops a terminating "/" before inserting).
 */
function expectedIssuer(e: Exchange, everyHandshake: readonly Exchange[]): { issuer: string; prm: Exchange } | undefined {
  const asked = issuerPathOf(e);
  const host = hostOf(e);
  if (!asked || !host) return undefined;
  let found: { issuer: string; prm: Exchange } | undefined;
  lastBefore(e, everyHandshake, (x) => {
    for (const entry of authorizationServers(x)) {
      const url = parseUrl(entry);
      if (url && url.host.toLowerCase() === host && url.pathname.replace(/\/$/, '') === asked.issuerPath) {
        found = { issuer: entry, prm: x };
        return true;
      }
    }
    return false;
  });
  return found;
}

export const asMetadataIssuerMismatch: LintCheck = (e, context) => {
  const metadata = servedMetadata(e);
  if (!metadata || typeof metadata.issuer !== 'string') return undefined;
  const expected = expectedIssuer(e, context.everyHandshake);
  if (!expected || expected.issuer === metadata.issuer) return undefined;
  const slash = expected.issuer.replace(/\/$/, '') === metadata.issuer.replace(/\/$/, '');
  return {
    message: `${path(e)} says issuer "${metadata.issuer}" but the Protected Resource Metadata names the authorization server "${expected.issuer}"${slash ? ': they differ only by a trailing slash' : ''}. RFC 8414 section 3.3 wants them identical, and strict clients abort discovery on the difference.`,
    related: [expected.prm.id],
  };
};

/** An RFC 8414 metadata request answered 404: what as-metadata-openid-only judges (the OpenID document may come after). */
export const missedRfc8414Metadata = (e: Exchange) => issuerPathOf(e)?.flavour === 'rfc8414' && status(e) === 404;

export const asMetadataOpenIdOnly: LintCheck = (e, context) => {
  if (!missedRfc8414Metadata(e)) return undefined;
  const host = hostOf(e);
  const { issuerPath } = issuerPathOf(e)!;
  const sameIssuer = (x: Exchange, flavour: 'rfc8414' | 'openid') => hostOf(x) === host && servedMetadata(x) !== undefined && issuerPathOf(x)?.flavour === flavour && issuerPathOf(x)!.issuerPath === issuerPath;
  if (context.everyHandshake.some((x) => sameIssuer(x, 'rfc8414'))) return undefined;
  const openid = context.everyHandshake.find((x) => sameIssuer(x, 'openid'));
  if (!openid) return undefined;
  return {
    message: `${path(e)} was answered 404 while ${path(openid)} serves the metadata: a client that only reads RFC 8414 metadata (or does not fall back on a 404) stops before registering.`,
    related: [openid.id],
  };
};

export const registrationRequiresInitialAccessToken: LintCheck = (e) => {
  const s = status(e);
  if (e.classification.phase !== 'registration' || e.request.method !== 'POST' || (s !== 401 && s !== 403)) return undefined;
  if (requestHeader(e, 'authorization') !== undefined) return undefined;
  const json = responseJson(e);
  const said = isObject(json) && typeof json.error === 'string' ? ` (${json.error}${typeof json.error_description === 'string' ? `: "${clip(json.error_description, 120)}"` : ''})` : '';
  return { message: `The registration request carried no Authorization header and was answered ${s}${said}: the endpoint wants an initial access token (RFC 7591 section 3), which no MCP client has.` };
};

/** The JOSE header of a compact JWS (3 parts) or JWE (5 parts), when the token is one. */
function joseHeader(token: string): { header: ProtectedHeaderParameters; encrypted: boolean } | undefined {
  const parts = token.split('.');
  // A redacted export keeps a token's header in front of its pseudonym (recorder/redact.ts).
  const redacted = parts.length === 2 && isRedacted(token);
  if (parts.length !== 3 && parts.length !== 5 && !redacted) return undefined;
  try {
    const header = decodeProtectedHeader({ protected: parts[0]! });
    if (typeof header.alg !== 'string') return undefined;
    return { header, encrypted: parts.length === 5 || typeof header.enc === 'string' };
  } catch {
    return undefined;
  }
}

/** Algorithms whose key a resource server looks up in the JWKS (symmetric HS* tokens are verified with a shared secret). */
const ASYMMETRIC = /^(RS|PS|ES)\d+$|^EdDSA$|^Ed25519$/;

export const accessTokenWithoutKid: LintCheck = (e, context) => {
  const json = tokenResponse(e);
  if (!json || typeof json.access_token !== 'string') return undefined;
  const jose = joseHeader(json.access_token);
  if (!jose || typeof jose.header.kid === 'string') return undefined;
  const { alg, enc } = jose.header;
  if (!jose.encrypted && !ASYMMETRIC.test(String(alg))) return undefined;
  // What the client asked for: RFC 8707 `resource`, Auth0's `audience` (token request, else its authorization request).
  const authorize = lastBefore(e, context.handshake, isAuthorizationRequest);
  const query = authorize ? new URL(authorize.request.url, 'http://x').searchParams : undefined;
  const form = requestForm(e);
  const resource = form.get('resource') ?? query?.get('resource');
  const audience = form.get('audience') ?? query?.get('audience');
  const what = jose.encrypted ? `encrypted (JWE, alg ${String(alg)}${typeof enc === 'string' ? `, enc ${enc}` : ''})` : `a JWT signed with ${String(alg)}`;
  const asked = resource && !audience ? ` The client asked for resource "${resource}" and sent no audience: Auth0 ignores resource and, without audience, issues an encrypted token for its own /userinfo.` : '';
  return { message: `The access token is ${what} and has no kid: a resource server that looks its key up in the JWKS cannot verify it.${asked}` };
};
