// HTTP header facts every part that copies headers between connections needs.

/**
 * Connection-level headers that describe the original connection, not the request (RFC 9110
 * §7.6.1), plus `host` and `content-length`, which the new connection sets for itself.
 */
export const HOP_BY_HOP: ReadonlySet<string> = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'host', 'upgrade', 'te', 'trailer', 'proxy-connection', 'expect']);

/** Header names as Node keeps them (lower case). */
export function lowerKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}
