// Decodes (never verifies) a JWT for display: the header and claims a developer wants to see
// when a token is rejected (`kid`, `aud`, `exp`, `scope`).

export interface DecodedJwt {
  header: Record<string, unknown>;
  claims?: Record<string, unknown>;
  /** JWE (five parts): the payload is encrypted, only the header can be read. */
  encrypted: boolean;
  /** When the token expires, if it says. */
  expiresAt?: Date;
}

const JWT_SHAPE = /^[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*(\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)?$/;

function base64UrlJson(part: string): Record<string, unknown> | undefined {
  try {
    const base64 = part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '=');
    const text = new TextDecoder().decode(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function decodeJwt(token: string): DecodedJwt | undefined {
  if (!JWT_SHAPE.test(token)) return undefined;
  const parts = token.split('.');
  const header = base64UrlJson(parts[0]!);
  if (!header || (typeof header.alg !== 'string' && typeof header.enc !== 'string')) return undefined;
  if (parts.length === 5) return { header, encrypted: true };
  const claims = base64UrlJson(parts[1]!);
  if (!claims) return undefined;
  const exp = typeof claims.exp === 'number' ? new Date(claims.exp * 1000) : undefined;
  return { header, claims, encrypted: false, expiresAt: exp };
}

/** Every JWT-looking string in a text (Authorization headers, token responses, form bodies). */
export function findJwts(text: string): string[] {
  const found = new Set<string>();
  for (const match of text.matchAll(/eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)?/g)) {
    if (decodeJwt(match[0])) found.add(match[0]);
  }
  return [...found];
}
