// The one check of "an absolute http(s) URL" that flags, settings and OAuth client ids share.

/** An absolute URL parsed, or why a string is not an http(s) one. */
export type HttpUrlCheck = { url: URL } | { problem: 'not-a-url' } | { problem: 'scheme'; scheme: string };

/** Parses an absolute http: or https: URL; anything else says what is wrong with it. */
export function checkHttpUrl(value: string): HttpUrlCheck {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { problem: 'not-a-url' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { problem: 'scheme', scheme: url.protocol };
  return { url };
}

const HTTP_SCHEME = /^https?:\/\//i;

/** Whether a string is an absolute http(s) URL (an OAuth client id that is a metadata document URL, a link). */
export function isHttpUrl(value: string): boolean {
  // The prefix first: most strings asked about (client ids) are not URLs, and need no parse.
  return HTTP_SCHEME.test(value) && 'url' in checkHttpUrl(value);
}
