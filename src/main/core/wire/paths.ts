// Request targets (RFC 9112 §3.2) as the parts of the inspector read and send them.

/**
 * A request target in origin form (path and query), also from an absolute-form one
 * (GET http://host/path, as proxies are sent). `*` (OPTIONS *) stays as it is.
 */
export function originForm(url: string): string {
  const target = url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '');
  return target.startsWith('/') || target === '*' ? target : `/${target}`;
}

/** The path of a request target. */
export function requestPath(url: string): string {
  const target = originForm(url);
  const query = target.indexOf('?');
  return query === -1 ? target : target.slice(0, query);
}

/** What Node's http.request accepts in a request target (it refuses anything else). */
const REQUEST_TARGET = /^[\u0021-\u00ff]+$/;

/** Whether a request line can carry this target: no spaces or control characters (no header injection). */
export function isSendableTarget(target: string): boolean {
  return REQUEST_TARGET.test(target);
}

/**
 * Paths of the front door's own under --intercept-as: `/_as/<n>/…` fronts an authorization
 * server's origin, `/_as/callback/<k>` relays a redirect URI (proxy/asInterceptMap.ts). The
 * recorder and compare read them too, so they live with the other facts about request targets.
 */
export const AS_PREFIX = '/_as/';
export const CALLBACK_PREFIX = '/_as/callback/';
