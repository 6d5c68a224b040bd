// The recorder looks at the same body several times (classification, connection keys,
// correlation); a tiny cache of the last few parses keeps that to one JSON.parse per body.

const CACHE_SIZE = 8;
const cache = new Map<string, unknown>();

/** JSON.parse that returns undefined for anything that isn't JSON. */
export function parseJson(text: string | undefined): unknown {
  if (!text) return undefined;
  if (cache.has(text)) return cache.get(text);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  cache.set(text, value);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  return value;
}

/** JSON documents (application/json, application/…+json), not NDJSON and other streams of JSON. */
const JSON_TYPE = /^application\/(?:[\w.-]*\+)?json\s*(?:;|$)/;

/** Whether a (lower-cased) content type is a JSON document. */
export function isJsonDocument(contentType: string): boolean {
  return JSON_TYPE.test(contentType);
}
