import type { LintRuleId } from './lint';
import { mcpSpec } from './sources';

// "Break a requirement on purpose": each entry is one scored requirement of the official
// conformance suite that a server can violate, and the ways the reference server can violate it.
// A break is a value of the reference server's profile (`breaks`), honoured by one check at the
// exact place the server honours the requirement (core/server/breaks.ts `breaks(profile, id)`).
// The toggle catalogue turns each requirement into a toggle of the 'requirements' group whose
// first option is the spec's behaviour and whose other options are its breaks.
//
// To add a break: (1) add its id to REQUIREMENT_BREAK_IDS and an entry under its requirement in
// REQUIREMENTS (a new requirement becomes a new toggle) naming the suite checks that catch it;
// (2) at the place the server honours the requirement, do the wrong thing when
// `breaks(profile, '<id>')`; (3) if a rule can do it to any server's answer, add it to BREAK_RULES
// in core/proxy/toggles.ts. test/conformance/breaks.test.ts then runs the named checks with the
// break on (they must fail) and off (they must pass), and fails until the catalogue and the server agree.

/** Every way the reference server can break a requirement on purpose. Add new ids here. */
export const REQUIREMENT_BREAK_IDS = [
  'invalid-meta-accepted',
  'unsupported-version-accepted',
  'unsupported-version-without-supported',
  'header-mismatch-accepted',
  'undeclared-capability-used',
  'method-not-found-200',
  'removed-methods-served',
  'no-server-discover',
  'no-server-info',
  'log-without-log-level',
  'error-id-null',
  'no-result-type',
  'no-caching-hints',
  'invalid-caching-hints',
  'resource-not-found-old-code',
  'resource-not-found-empty-contents',
  'json-schema-2020-12-stripped',
  'tool-error-as-protocol-error',
  'session-survives-delete',
  'initialize-unknown-version',
  'prompts-undeclared',
  'logging-not-served',
  'tampered-state-accepted',
  'listen-without-ack',
] as const;

export type RequirementBreakId = (typeof REQUIREMENT_BREAK_IDS)[number];

/** A spec revision the conformance suite scores requirements for. */
export type ScoredRevision = '2025-11-25' | '2026-07-28';

/** A check of the official conformance suite (`conformance server --scenario <scenario>`). */
export interface SuiteCheck {
  scenario: string;
  check: string;
  /** What the check reports once the requirement is broken (a SHOULD is a WARNING). */
  status: 'FAILURE' | 'WARNING';
  /** The one revision the suite runs this check at, when not every revision of the break. */
  revision?: ScoredRevision;
}

export interface RequirementBreak {
  id: RequirementBreakId;
  /** The option's label in the Toggles screen: what the server does instead. */
  label: string;
  /** The option as a short phrase for the status bar and timeline rows. */
  name: string;
  /** The revisions whose scored requirement this breaks (the conformance suite runs it there). */
  revisions: ScoredRevision[];
  /** The suite checks that catch this break. */
  checks: SuiteCheck[];
  /** Lint rules of ours that flag it on the wire (none: lint does not judge this yet). */
  lint: LintRuleId[];
}

export interface Requirement {
  /** The toggle's id is `breakToggleId(id)`. */
  id: string;
  title: string;
  /** The requirement, as the spec states it. */
  requirement: string;
  /** Who notices a server breaking it. */
  noticedBy: string;
  /** What a well-behaved client does when it meets the break. */
  clientShould: string;
  /** Public spec sections and pull requests behind the requirement. */
  sources: string[];
  breaks: RequirementBreak[];
}

/** JSON Schema 2020-12 (and 2019-09) keywords a draft-07-only schema converter drops: the json-schema break strips them. */
export const JSON_SCHEMA_2020_KEYWORDS = ['$schema', '$defs', '$anchor', '$dynamicAnchor', '$dynamicRef', 'allOf', 'anyOf', 'oneOf', 'not', 'if', 'then', 'else', 'dependentRequired', 'dependentSchemas', 'prefixItems', 'unevaluatedProperties', 'unevaluatedItems'] as const;

/** The id of the toggle that breaks a requirement: `break-<requirement id>`. */
export const breakToggleId = (requirementId: string): string => `break-${requirementId}`;

const NEXT = '2026-07-28';
/** A SEP's pull request in the specification repository. */
const sep = (n: number) => `https://github.com/modelcontextprotocol/modelcontextprotocol/pull/${n}`;
const SEP_2575 = sep(2575);
const STATELESS = 'server-stateless';
const check = (scenario: string, id: string, status: SuiteCheck['status'] = 'FAILURE', revision?: ScoredRevision): SuiteCheck => ({ scenario, check: id, status, ...(revision ? { revision } : {}) });
const removedMethods = ['initialize', 'ping', 'logging-setlevel', 'resources-subscribe', 'resources-unsubscribe'].map((m) => check(STATELESS, `sep-2575-http-server-method-not-found-404-${m}`));

export const REQUIREMENTS: readonly Requirement[] = [
  {
    id: 'meta-envelope',
    title: 'Request _meta envelope (2026-07-28)',
    requirement: 'Every 2026-07-28 request carries io.modelcontextprotocol/protocolVersion and clientCapabilities in params._meta; a request without them MUST be rejected with -32602 Invalid params, HTTP 400.',
    noticedBy: 'The conformance suite (server-stateless). Clients that always send the envelope never see it; it shows when a client forgets the envelope and the server carries on guessing.',
    clientShould: 'Send the full envelope on every request; a client that forgot it should get a 400 it can log, not a silently guessed version.',
    sources: [mcpSpec(NEXT, 'basic/index', 'meta'), SEP_2575],
    breaks: [
      {
        id: 'invalid-meta-accepted',
        label: 'Serve requests whose _meta lacks the envelope',
        name: 'invalid _meta served',
        revisions: [NEXT],
        checks: [
          check(STATELESS, 'sep-2575-request-meta-invalid-missing-meta'),
          check(STATELESS, 'sep-2575-request-meta-invalid-missing-protocol-version'),
          check(STATELESS, 'sep-2575-request-meta-invalid-missing-client-capabilities'),
          check(STATELESS, 'sep-2575-http-server-meta-invalid-400'),
        ],
        lint: [],
      },
    ],
  },
  {
    id: 'unsupported-version',
    title: 'Unsupported protocol version (2026-07-28)',
    requirement: 'A request for a version the server does not implement MUST get 400 and UnsupportedProtocolVersionError (-32022) whose data lists the supported versions and echoes the requested one.',
    noticedBy: 'The conformance suite (server-stateless); a 2026-07-28 client that retries with a version the server listed (the SDKs do) cannot pick one without the list.',
    clientShould: 'On -32022, retry once with the newest version both sides support (from error.data.supported), or give up with a clear message.',
    sources: [mcpSpec(NEXT, 'basic/versioning'), SEP_2575],
    breaks: [
      {
        id: 'unsupported-version-accepted',
        label: 'Serve any version as if supported',
        name: 'unsupported version served',
        revisions: [NEXT],
        checks: [check(STATELESS, 'sep-2575-server-unsupported-version-error'), check(STATELESS, 'sep-2575-http-server-unsupported-version-400')],
        lint: [],
      },
      {
        id: 'unsupported-version-without-supported',
        label: '-32022 without the supported versions',
        name: '-32022 without data.supported',
        revisions: [NEXT],
        checks: [check(STATELESS, 'sep-2575-server-unsupported-version-error')],
        lint: [],
      },
    ],
  },
  {
    id: 'header-mismatch',
    title: 'Headers that disagree with the body (2026-07-28)',
    requirement: 'MCP-Protocol-Version, Mcp-Method, Mcp-Name and Mcp-Param-* mirror the body; when they do not match, the server MUST answer 400 with HeaderMismatch (-32020).',
    noticedBy: 'The conformance suite (server-stateless, http-header-validation). Gateways and load balancers route on these headers: a server that accepts a mismatch lets a request be routed as one method and run as another.',
    clientShould: 'Send headers that mirror the body exactly; nothing changes for a correct client, which is why only the suite or a deliberately wrong client notices.',
    sources: [mcpSpec(NEXT, 'basic/transports', 'protocol-version-header'), SEP_2575],
    breaks: [
      {
        id: 'header-mismatch-accepted',
        label: 'Serve the body, ignore the headers',
        name: 'header mismatch accepted',
        revisions: [NEXT],
        checks: [check(STATELESS, 'sep-2575-http-server-header-mismatch-400'), check('http-header-validation', 'sep-2243-server-reject-invalid-headers')],
        lint: ['header-mismatch-not-rejected'],
      },
    ],
  },
  {
    id: 'client-capability',
    title: 'Undeclared client capability (2026-07-28)',
    requirement: 'A server MUST NOT rely on a capability the client did not declare in io.modelcontextprotocol/clientCapabilities: such a request gets 400 MissingRequiredClientCapabilityError (-32021) naming the capability.',
    noticedBy: 'The conformance suite (server-stateless, test_missing_capability); a client gets an input request (sampling, elicitation) it never said it could answer, instead of being told which capability to declare.',
    clientShould: 'On -32021, declare the capabilities in error.data.requiredCapabilities if it has them and retry, or show the user which capability is missing.',
    sources: [mcpSpec(NEXT, 'basic/index', 'meta'), SEP_2575],
    breaks: [
      {
        id: 'undeclared-capability-used',
        label: 'Ask the client anyway',
        name: 'undeclared capability used',
        revisions: [NEXT],
        checks: [check(STATELESS, 'sep-2575-server-rejects-undeclared-capability'), check(STATELESS, 'sep-2575-missing-capability-http-400')],
        lint: ['mrtr-input-capability-undeclared'],
      },
    ],
  },
  {
    id: 'method-not-found',
    title: 'Unknown and removed methods (2026-07-28)',
    requirement: 'A method the server does not implement, including those 2026-07-28 removed (initialize, ping, logging/setLevel, resources/subscribe, resources/unsubscribe), MUST get HTTP 404 with -32601 Method not found.',
    noticedBy: 'The conformance suite (server-stateless). Dual-era clients probe with 2026-07-28 requests and fall back to initialize on a 404; a 200 or an answered initialize keeps them on the wrong era.',
    clientShould: 'Treat 404 + -32601 as "not here" (fall back or report); never take a 2026-07-28 answer to initialize as a session.',
    sources: [mcpSpec(NEXT, 'basic/transports'), mcpSpec(NEXT, 'changelog'), SEP_2575],
    breaks: [
      {
        id: 'method-not-found-200',
        label: '-32601 with HTTP 200',
        name: 'method not found → 200',
        revisions: [NEXT],
        checks: [check(STATELESS, 'sep-2575-http-server-method-not-found-404'), ...removedMethods],
        lint: [],
      },
      {
        id: 'removed-methods-served',
        label: 'Answer the removed methods',
        name: 'removed methods answered',
        revisions: [NEXT],
        checks: removedMethods,
        lint: [],
      },
    ],
  },
  {
    id: 'server-discover',
    title: 'server/discover (2026-07-28)',
    requirement: 'Servers MUST implement server/discover: supported versions, capabilities and identity.',
    noticedBy: 'The conformance suite (server-stateless); clients that show a server before using it (an inspector, a registry) and stdio clients that probe with it.',
    clientShould: 'Carry on without it: discovery is optional for clients, any request can go inline and handle -32022.',
    sources: [mcpSpec(NEXT, 'server/discover'), SEP_2575],
    breaks: [
      {
        id: 'no-server-discover',
        label: 'No server/discover (-32601)',
        name: 'no server/discover',
        revisions: [NEXT],
        checks: [check(STATELESS, 'sep-2575-server-implements-discover')],
        lint: [],
      },
    ],
  },
  {
    id: 'server-info',
    title: 'serverInfo in result _meta (2026-07-28)',
    requirement: 'Servers SHOULD identify themselves in every result\'s _meta as io.modelcontextprotocol/serverInfo (name and version).',
    noticedBy: 'The conformance suite (server-stateless, a warning: it is a SHOULD); clients that show which server answered.',
    clientShould: 'Work without it: show the server by its URL.',
    sources: [mcpSpec(NEXT, 'server/discover'), sep(3002)],
    breaks: [
      {
        id: 'no-server-info',
        label: 'No serverInfo in results',
        name: 'no serverInfo',
        revisions: [NEXT],
        checks: [check(STATELESS, 'sep-2575-server-identifies-in-result-meta', 'WARNING')],
        lint: [],
      },
    ],
  },
  {
    id: 'log-level',
    title: 'Log messages without a log level (2026-07-28)',
    requirement: 'A server sends notifications/message for a request only when its _meta asked for a level (io.modelcontextprotocol/logLevel); logging/setLevel is gone.',
    noticedBy: 'The conformance suite (server-stateless, test_logging_tool); clients that did not ask get log traffic on the response stream.',
    clientShould: 'Ignore (or show) unrequested log notifications; they must not break the response that follows.',
    sources: [mcpSpec(NEXT, 'server/utilities/logging'), SEP_2575],
    breaks: [
      {
        id: 'log-without-log-level',
        label: 'Log whether asked or not',
        name: 'logs without logLevel',
        revisions: [NEXT],
        checks: [check(STATELESS, 'sep-2575-server-no-log-without-loglevel')],
        lint: [],
      },
    ],
  },
  {
    id: 'error-id',
    title: 'Error responses carry the request id',
    requirement: 'A JSON-RPC error response carries the id of the request it answers (null only when the id could not be read).',
    noticedBy: 'The conformance suite (server-stateless); every SDK client, which cannot match the error to its request and waits until its timeout.',
    clientShould: 'Time out the request and report the unmatched error instead of hanging.',
    sources: [mcpSpec(NEXT, 'basic/index', 'responses'), 'https://www.jsonrpc.org/specification#response_object'],
    breaks: [
      {
        id: 'error-id-null',
        label: 'Errors with id null',
        name: 'error id null',
        revisions: [NEXT],
        checks: [check(STATELESS, 'sep-2575-http-server-error-jsonrpc-id')],
        lint: ['jsonrpc-id-mismatch'],
      },
    ],
  },
  {
    id: 'result-type',
    title: 'resultType on every result (2026-07-28)',
    requirement: 'Every 2026-07-28 result carries resultType ("complete", or "input_required" for a multi-round request).',
    noticedBy: 'The conformance suite\'s wire-schema check in every 2026-07-28 scenario; clients are told to assume "complete" when it is missing, so a tolerant client carries on.',
    clientShould: 'Treat a result without resultType as complete.',
    sources: [mcpSpec(NEXT, 'basic/utilities/mrtr'), mcpSpec(NEXT, 'changelog')],
    breaks: [
      {
        id: 'no-result-type',
        label: 'Results without resultType',
        name: 'no resultType',
        revisions: [NEXT],
        checks: [check('tools-list', 'wire-schema-valid')],
        lint: ['result-type-invalid'],
      },
    ],
  },
  {
    id: 'caching',
    title: 'Caching hints (2026-07-28)',
    requirement: 'List results, resources/read and server/discover carry ttlMs (a non-negative number of milliseconds) and cacheScope ("public" or "private").',
    noticedBy: 'The conformance suite (caching); clients that cache lists by these hints.',
    clientShould: 'Without hints, do not cache; with invalid ones, ignore them rather than cache forever or share private results.',
    sources: [mcpSpec(NEXT, 'server/utilities/caching'), sep(2549)],
    breaks: [
      {
        id: 'no-caching-hints',
        label: 'No ttlMs / cacheScope',
        name: 'no caching hints',
        revisions: [NEXT],
        checks: ['tools-list', 'prompts-list', 'resources-list', 'resources-templates-list', 'resources-read'].map((m) => check('caching', `sep-2549-${m}-caching-hints`)),
        lint: [],
      },
      {
        id: 'invalid-caching-hints',
        label: 'ttlMs -1, cacheScope "shared"',
        name: 'invalid caching hints',
        revisions: [NEXT],
        checks: [check('caching', 'sep-2549-ttl-non-negative'), check('caching', 'sep-2549-cache-scope-valid')],
        lint: [],
      },
    ],
  },
  {
    id: 'resource-not-found',
    title: 'Resource not found (2026-07-28)',
    requirement: 'resources/read of an unknown URI answers -32602 Invalid params (with data.uri); never a result with empty contents. The 2025 code -32002 is gone.',
    noticedBy: 'The conformance suite (sep-2164-resource-not-found); clients that tell "no such resource" from an empty one.',
    clientShould: 'Report the missing resource; treat -32002 like -32602 from older servers.',
    sources: [mcpSpec(NEXT, 'server/resources', 'error-handling'), sep(2164)],
    breaks: [
      {
        id: 'resource-not-found-old-code',
        label: '-32002 (the 2025 code)',
        name: 'resource not found → -32002',
        revisions: [NEXT],
        checks: [check('sep-2164-resource-not-found', 'sep-2164-error-code', 'WARNING')],
        lint: [],
      },
      {
        id: 'resource-not-found-empty-contents',
        label: 'Empty contents instead of an error',
        name: 'resource not found → empty contents',
        revisions: [NEXT],
        checks: [check('sep-2164-resource-not-found', 'sep-2164-no-empty-contents')],
        lint: [],
      },
    ],
  },
  {
    id: 'json-schema',
    title: 'Tool schemas as JSON Schema 2020-12',
    requirement: 'Tool inputSchema is JSON Schema 2020-12 and reaches the client as written: $schema, $defs, $anchor, composition and conditional keywords preserved.',
    noticedBy: 'The conformance suite (json-schema-2020-12); models and clients that validate arguments get a looser schema than the tool expects.',
    clientShould: 'Validate arguments against the schema as listed; a stripped schema lets bad arguments through to the tool.',
    sources: [mcpSpec('2025-11-25', 'server/tools', 'listing-tools'), sep(2106)],
    breaks: [
      {
        id: 'json-schema-2020-12-stripped',
        label: 'Strip 2020-12 keywords from tool schemas',
        name: '2020-12 keywords stripped',
        revisions: ['2025-11-25', NEXT],
        checks: [
          check('json-schema-2020-12', 'json-schema-2020-12-$schema'),
          check('json-schema-2020-12', 'json-schema-2020-12-$defs'),
          check('json-schema-2020-12', 'sep-2106-composition-keywords-preserved', 'FAILURE', NEXT),
        ],
        lint: [],
      },
    ],
  },
  {
    id: 'tool-errors',
    title: 'Tool errors in the result',
    requirement: 'A tool that fails reports it in its result (isError: true with content the model can read), not as a JSON-RPC error.',
    noticedBy: 'The conformance suite (tools-call-error); models never see the failure text and clients show a protocol error instead of the tool\'s message.',
    clientShould: 'Show a JSON-RPC error as a failed call; give isError results to the model so it can recover.',
    sources: [mcpSpec('2025-11-25', 'server/tools', 'error-handling')],
    breaks: [
      {
        id: 'tool-error-as-protocol-error',
        label: 'JSON-RPC error instead of isError',
        name: 'tool errors → JSON-RPC error',
        revisions: ['2025-11-25', NEXT],
        checks: [check('tools-call-error', 'tools-call-error')],
        lint: [],
      },
    ],
  },
  {
    id: 'session-end',
    title: 'Ended sessions (2025-11-25)',
    requirement: 'After DELETE ends a session, requests with its Mcp-Session-Id get 404, so the client initializes again.',
    noticedBy: 'The conformance suite (server-session-lifecycle); clients that log out or reconnect expect a fresh session, and a server that keeps the old one alive leaks state across logins.',
    clientShould: 'Never reuse a session id after DELETE; on 404 initialize again.',
    sources: [mcpSpec('2025-11-25', 'basic/transports', 'session-management')],
    breaks: [
      {
        id: 'session-survives-delete',
        label: 'DELETE answers 200, the session lives on',
        name: 'session survives DELETE',
        revisions: ['2025-11-25'],
        checks: [check('server-session-lifecycle', 'server-session-terminated-returns-404')],
        lint: [],
      },
    ],
  },
  {
    id: 'version-negotiation',
    title: 'Version negotiation on initialize (2025-11-25)',
    requirement: 'initialize answers the version the client asked for when the server supports it, else another version the server supports; a client that cannot speak the answer disconnects.',
    noticedBy: 'The conformance suite (server-initialize, whose SDK client refuses to connect); every SDK client ("Server\'s protocol version is not supported"); lint (protocol-version-mismatch).',
    clientShould: 'Disconnect with a message naming the version it got, not carry on guessing.',
    sources: [mcpSpec('2025-11-25', 'basic/lifecycle', 'version-negotiation')],
    breaks: [
      {
        id: 'initialize-unknown-version',
        label: 'Answer an unpublished draft version',
        name: 'initialize → DRAFT-2026-v1',
        revisions: ['2025-11-25'],
        checks: [check('server-initialize', 'server-initialize')],
        lint: ['protocol-version-mismatch'],
      },
    ],
  },
  {
    id: 'capabilities',
    title: 'Capabilities match what is served',
    requirement: 'A server declares the capabilities it serves (initialize, server/discover) and serves what it declares: prompts/* needs the prompts capability, logging the logging/setLevel method (2025-11-25).',
    noticedBy: 'The conformance suite (server-stateless, logging-set-level); the SDK client with enforceStrictCapabilities refuses prompts/list to a server that did not declare prompts, clients that show only declared features hide them, and logging/setLevel fails for clients that trusted the capability.',
    clientShould: 'Use what is declared; report a declared method that answers -32601 instead of retrying it.',
    sources: [mcpSpec('2025-11-25', 'basic/lifecycle', 'capability-negotiation'), mcpSpec(NEXT, 'server/discover')],
    breaks: [
      {
        id: 'prompts-undeclared',
        label: 'Serve prompts without declaring them',
        name: 'prompts undeclared',
        revisions: [NEXT],
        checks: [check(STATELESS, 'sep-2575-server-declares-prompts-in-discover')],
        lint: [],
      },
      {
        id: 'logging-not-served',
        label: 'Declare logging, answer logging/setLevel -32601',
        name: 'logging/setLevel missing',
        revisions: ['2025-11-25'],
        checks: [check('logging-set-level', 'logging-set-level')],
        lint: [],
      },
    ],
  },
  {
    id: 'request-state',
    title: 'requestState integrity (2026-07-28)',
    requirement: 'A server that puts state in an input_required result\'s requestState MUST reject a retry whose requestState fails integrity verification (-32602): the client holds the state, so it must not be able to forge it.',
    noticedBy: 'The conformance suite (input-required-result-tampered-state). Clients that echo state verbatim never see it; it matters when a client, proxy or attacker alters the state.',
    clientShould: 'Echo requestState exactly as received; on -32602 for it, start the request again without state.',
    sources: [mcpSpec(NEXT, 'basic/utilities/mrtr'), sep(2322)],
    breaks: [
      {
        id: 'tampered-state-accepted',
        label: 'Accept altered requestState',
        name: 'tampered requestState accepted',
        revisions: [NEXT],
        checks: [check('input-required-result-tampered-state', 'sep-2322-reject-tampered-state')],
        lint: [],
      },
    ],
  },
  {
    id: 'listen-ack',
    title: 'subscriptions/listen acknowledgement (2026-07-28)',
    requirement: 'The first message on a subscriptions/listen stream is notifications/subscriptions/acknowledged, saying which notifications the server agreed to send.',
    noticedBy: 'The conformance suite (server-stateless); clients that wait for the acknowledgement before relying on the stream (or treat the stream as failed without it).',
    clientShould: 'Wait a bounded time for the acknowledgement, then treat the subscription as failed and poll or re-list instead.',
    sources: [mcpSpec(NEXT, 'basic/patterns/subscriptions'), SEP_2575],
    breaks: [
      {
        id: 'listen-without-ack',
        label: 'No acknowledgement on the stream',
        name: 'no listen acknowledgement',
        revisions: [NEXT],
        checks: [check(STATELESS, 'sep-2575-server-sends-subscription-ack')],
        lint: [],
      },
    ],
  },
];
