// The request metadata headers of Streamable HTTP from 2026-07-28 on (SEP-2243): which body
// fields a request mirrors into `MCP-Protocol-Version`, `Mcp-Method`, `Mcp-Name` and
// `Mcp-Param-{Name}`, and how a value travels (plain visible ASCII, or `=?base64?…?=`).
// Defined once: the reference server validates with it, lint judges recorded traffic with it.
// No Node APIs here (btoa/atob and TextEncoder exist in both Node and browsers).

/** `_meta` key of the protocol version a 2026-07-28 request carries in its body. */
export const META_PROTOCOL_VERSION = 'io.modelcontextprotocol/protocolVersion';

/** The JSON-RPC error code for headers that are missing, malformed or disagree with the body. */
export const HEADER_MISMATCH = -32020;

/**
 * What `Mcp-Name` must equal, per method: the body value it mirrors (2026-07-28 transports,
 * standard request headers). A method not listed carries no `Mcp-Name`. Extensions add their
 * methods here (the tasks extension: `tasks/get` mirrors `params.taskId`). A Map, so a method
 * named like an Object property (`toString`) finds nothing.
 */
export const MCP_NAME_SOURCES: ReadonlyMap<string, (params: Record<string, unknown>) => unknown> = new Map([
  ['tools/call', (params) => params.name],
  ['prompts/get', (params) => params.name],
  ['resources/read', (params) => params.uri],
  // The tasks extension routes a task's requests by its id (ext-tasks, Streamable HTTP: Routing Headers).
  ['tasks/get', (params) => params.taskId],
  ['tasks/update', (params) => params.taskId],
  ['tasks/cancel', (params) => params.taskId],
]);

/** What is wrong with a header value that claims to be a mirrored value. */
export class InvalidHeaderValueError extends Error {}

const SENTINEL = /^=\?base64\?(.*)\?=$/s;
/** Canonical standard-alphabet Base64, padded (RFC 4648 section 4). */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** Field values are visible ASCII, space and tab (RFC 9110 section 5.5). */
const FIELD_VALUE = /^[\x20-\x7e\t]*$/;

/**
 * A mirrored header's value as the body would spell it. Optional whitespace around a field value
 * is not part of it (RFC 9110 section 5.5); `=?base64?…?=` wraps the UTF-8 bytes of a value that
 * is not plain visible ASCII; anything else is literal (a value missing either marker included).
 * Throws InvalidHeaderValueError for characters a field value cannot hold, Base64 that is not
 * canonical (bad padding, characters outside the alphabet) and bytes that are not UTF-8.
 */
export function decodeHeaderValue(raw: string): string {
  const value = raw.replace(/^[ \t]+|[ \t]+$/g, '');
  if (!FIELD_VALUE.test(value)) throw new InvalidHeaderValueError('it holds characters outside visible ASCII, space and tab');
  const encoded = SENTINEL.exec(value);
  if (!encoded) return value;
  const base64 = encoded[1]!;
  if (!BASE64.test(base64)) throw new InvalidHeaderValueError(`"${base64}" is not valid Base64 (standard alphabet, padded)`);
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new InvalidHeaderValueError('its Base64 does not decode to UTF-8 text');
  }
}

/**
 * A value as a client puts it in `Mcp-Name` or `Mcp-Param-{Name}`: as it is when it is plain
 * visible ASCII with no surrounding whitespace and does not look like the sentinel, else the
 * Base64 of its UTF-8 bytes in `=?base64?…?=`.
 */
export function encodeHeaderValue(value: string): string {
  const plain = /^[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?$/.test(value) && !SENTINEL.test(value);
  if (plain || value === '') return value;
  let binary = '';
  for (const byte of new TextEncoder().encode(value)) binary += String.fromCharCode(byte);
  return `=?base64?${btoa(binary)}?=`;
}

/**
 * The header text of an argument (string as is, integer in decimal, boolean as true/false), or
 * undefined for a value with no header form (null, absent, objects, arrays, fractions).
 */
export function paramText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  return undefined;
}

/** Whether a decoded header value says what the body says; integers compare as numbers (42.0 = 42). */
export function headerSaysValue(decoded: string, value: unknown): boolean {
  if (typeof value === 'number') return /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(decoded) && Number(decoded) === value;
  return decoded === paramText(value);
}

/** One `x-mcp-header` annotation: the header name part and the property path it reads. */
export interface ParamHeaderDeclaration {
  /** `Region` for `Mcp-Param-Region`. */
  name: string;
  /** The chain of `properties` keys from the schema root to the annotated property. */
  path: string[];
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The `x-mcp-header` annotations of a tool's inputSchema that are statically reachable (a chain
 * of `properties` keys only); annotations anywhere else make the tool invalid and are not
 * mirrored by conforming clients.
 */
export function paramHeaderDeclarations(inputSchema: unknown, path: string[] = []): ParamHeaderDeclaration[] {
  if (!isObject(inputSchema) || !isObject(inputSchema.properties)) return [];
  const found: ParamHeaderDeclaration[] = [];
  for (const [key, property] of Object.entries(inputSchema.properties)) {
    if (!isObject(property)) continue;
    const name = property['x-mcp-header'];
    if (typeof name === 'string') found.push({ name, path: [...path, key] });
    found.push(...paramHeaderDeclarations(property, [...path, key]));
  }
  return found;
}

/** The argument at a declaration's path (undefined when any step is missing). */
export function argumentAt(args: unknown, path: readonly string[]): unknown {
  let value = args;
  for (const key of path) value = isObject(value) ? value[key] : undefined;
  return value;
}

/** One way a request's headers fail to mirror its body. */
export interface HeaderProblem {
  /** As the spec spells it: `Mcp-Name`, `Mcp-Param-Region`. */
  header: string;
  kind: 'missing' | 'mismatch' | 'invalid' | 'unexpected';
  /** The header's value (decoded when it could be). */
  value?: string;
  /** What the body says, as header text. */
  expected?: string;
  /** Why an invalid value is invalid. */
  reason?: string;
}

/** A 2026-07-28 request as the checks need it. */
export interface MirroredRequest {
  method: string;
  params?: Record<string, unknown>;
}

/**
 * Every way the request's metadata headers disagree with its body, in the order the spec lists
 * them: MCP-Protocol-Version, Mcp-Method, Mcp-Name, then each Mcp-Param-{Name} the tool's
 * inputSchema declares (pass it for tools/call; without it no Mcp-Param-* is judged).
 * `header(name)` reads a request header by its lower-case name.
 */
export function headerProblems(request: MirroredRequest, header: (lowerCaseName: string) => string | undefined, inputSchema?: unknown): HeaderProblem[] {
  const problems: HeaderProblem[] = [];
  const params = request.params ?? {};
  const meta = isObject(params._meta) ? params._meta : {};

  /** Compares a header with a body value; `decode` for the headers that may carry the sentinel. */
  const compare = (name: string, expected: unknown, decode: boolean) => {
    const raw = header(name.toLowerCase());
    const text = paramText(expected);
    if (raw === undefined) {
      if (text !== undefined) problems.push({ header: name, kind: 'missing', expected: text });
      return;
    }
    let value: string;
    try {
      value = decode ? decodeHeaderValue(raw) : raw.trim();
    } catch (err) {
      problems.push({ header: name, kind: 'invalid', value: raw, reason: (err as Error).message });
      return;
    }
    if (text === undefined) problems.push({ header: name, kind: 'unexpected', value });
    else if (!headerSaysValue(value, expected)) problems.push({ header: name, kind: 'mismatch', value, expected: text });
  };

  compare('MCP-Protocol-Version', meta[META_PROTOCOL_VERSION], false);
  compare('Mcp-Method', request.method, false);
  const nameSource = MCP_NAME_SOURCES.get(request.method);
  // A body without the mirrored field is the method handler's to refuse (-32602), not a header matter.
  if (nameSource && typeof nameSource(params) === 'string') compare('Mcp-Name', nameSource(params), true);
  if (request.method === 'tools/call') {
    for (const declaration of paramHeaderDeclarations(inputSchema)) {
      compare(`Mcp-Param-${declaration.name}`, argumentAt(params.arguments, declaration.path), true);
    }
  }
  return problems;
}

/** One sentence for a problem: "Mcp-Name header value 'foo' does not match body value 'bar'". */
export function describeHeaderProblem(problem: HeaderProblem): string {
  switch (problem.kind) {
    case 'missing':
      return `the required ${problem.header} header is absent (the body says '${problem.expected}')`;
    case 'mismatch':
      return `${problem.header} header value '${problem.value}' does not match body value '${problem.expected}'`;
    case 'invalid':
      return `${problem.header} header value '${problem.value}' is malformed: ${problem.reason}`;
    case 'unexpected':
      return `${problem.header} header value '${problem.value}' has no value in the body to mirror`;
  }
}
