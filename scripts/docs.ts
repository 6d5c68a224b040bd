// Writes the manual's catalogue pages from the catalogues themselves, so what the docs say is
// what the product does:
//   docs/lint-rules.md       from LINT_RULES (src/shared/lint.ts)
//   docs/client-profiles.md  from PROFILES (src/main/core/simulator/profiles.ts)
//   docs/toggles.md          from TOGGLES (src/main/core/proxy/toggles.ts)
// Run `npx tsx scripts/docs.ts` after changing a catalogue; test/unit/public-sources.test.ts
// fails while a page is out of date.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LINT_CLIENT_NAMES, LINT_RULES, type LintRule } from '../src/shared/lint';
import type { AuthBehaviour, ClientProfile, Reactions, ReplayProfile, SimStep } from '../src/shared/simulator';
import { REQUIREMENTS } from '../src/shared/breaks';
import type { Toggle } from '../src/shared/toggles';
import { PRESETS } from '../src/main/core/server/presets';
import { PROFILES } from '../src/main/core/simulator/profiles';
import { SCENARIOS } from '../src/main/core/simulator/scenarios';
import { TOGGLES } from '../src/main/core/proxy/toggles';

const GENERATED = (source: string) => `<!-- Generated from ${source} by scripts/docs.ts: edit the catalogue, then run \`npx tsx scripts/docs.ts\`. -->`;

const code = (value: unknown) => `\`${typeof value === 'string' ? value : JSON.stringify(value)}\``;
const list = (values: readonly unknown[]) => values.map(code).join(', ');
const link = (url: string) => `<${url}>`;

// ---- lint rules ------------------------------------------------------------------------------

function lintRuleSection(rule: LintRule): string {
  const breaks = rule.breaks.length ? rule.breaks.map((c) => LINT_CLIENT_NAMES[c] ?? c).join(', ') : 'no client is known to fail on it; it hides bugs';
  return [
    `## \`${rule.id}\``,
    '',
    `**${rule.title}**: ${rule.severity}, judged on ${rule.scope === 'exchange' ? 'the exchange alone' : 'the exchange in the context of its client connection'}.`,
    '',
    rule.explanation,
    '',
    `- Breaks: ${breaks}.`,
    `- Fix: ${rule.fix}`,
    '- Sources:',
    ...rule.sources.map((s) => `  - [${s.title}](${s.url})`),
  ].join('\n');
}

export function lintRulesDoc(): string {
  const scenariosByRule = new Map<string, string[]>();
  for (const s of SCENARIOS) for (const id of s.expectedLint) scenariosByRule.set(id, [...(scenariosByRule.get(id) ?? []), s.id]);
  return [
    '# Lint rules',
    '',
    GENERATED('src/shared/lint.ts'),
    '',
    'Every exchange is judged when it ends, against the MCP and OAuth specifications and against what is',
    'known to break real clients. Each rule below says what it checks, why it matters, which clients',
    'it breaks, how to fix the server, and the public sources it rests on. Rule ids are a public',
    'contract (scenarios, CI scripts and saved findings name them): new ones are added, none renamed.',
    '',
    '```sh',
    'npm run cli -- lint capture.har [--json]   # exit status 1 when a finding is an error',
    '```',
    '',
    '| id | severity | what | bug-report scenarios |',
    '| --- | --- | --- | --- |',
    ...LINT_RULES.map((r) => `| [\`${r.id}\`](#${r.id}) | ${r.severity} | ${r.title.replace(/\|/g, '\\|')} | ${(scenariosByRule.get(r.id) ?? []).map((id) => `\`${id}\``).join(', ')} |`),
    '',
    ...LINT_RULES.map(lintRuleSection).flatMap((s) => [s, '']),
  ].join('\n');
}

// ---- client profiles -------------------------------------------------------------------------

const ORDER_NAMES: Record<AuthBehaviour['protectedResourceOrder'][number], string> = {
  header: 'the `resource_metadata` URL of the 401 challenge',
  path: '`/.well-known/oauth-protected-resource{path}`',
  root: '`/.well-known/oauth-protected-resource`',
};
const RESOURCE_CHECK: Record<AuthBehaviour['resourceCheck'], string> = {
  exact: 'must equal the URL the client was given, exactly',
  'same-origin-prefix': 'must be on the same origin and a path prefix of the URL',
  none: 'not checked',
};
const WITHOUT_PRM: Record<AuthBehaviour['withoutPrm'], string> = {
  fail: 'gives up',
  origin: 'looks for authorization-server metadata at the MCP origin',
  'server-url': 'takes the whole MCP URL as the issuer (path-suffixed probes such as `/.well-known/oauth-authorization-server/mcp`)',
};
const S256: Record<AuthBehaviour['requireS256'], string> = {
  'missing-or-absent': 'refuses an authorization server whose metadata lacks `code_challenge_methods_supported` with `S256`',
  'absent-from-list': 'refuses an authorization server that lists `code_challenge_methods_supported` without `S256`',
  never: 'does not check `code_challenge_methods_supported`',
};
const VERSION_HEADER: Record<ReplayProfile['protocol']['versionHeader'], string> = {
  negotiated: 'the negotiated version',
  'sent-version': 'the version it asked for, whatever was negotiated',
  absent: 'no header',
};

function reactions(on: Reactions | undefined): string {
  if (!on) return '';
  const parts = Object.entries(on).map(([key, r]) => `${key} → ${r!.do}${r!.because ? ` (${r!.because})` : ''}`);
  return parts.length ? `; on ${parts.join('; ')}` : '';
}

/** `Name: value` pairs; a null value is a header the client leaves out. */
function headerList(headers: Record<string, string | null>): string {
  return Object.entries(headers)
    .map(([name, value]) => (value === null ? `no \`${name}\`` : `\`${name}: ${value}\``))
    .join(', ');
}

const OAUTH_REQUEST_NAMES = { prm: 'PRM', as: 'AS metadata', register: 'registration', token: 'token' } as const;

function stepLines(steps: SimStep[], indent = ''): string[] {
  return steps.flatMap((step): string[] => {
    switch (step.type) {
      case 'probe':
        return [`${indent}- \`${step.method}\` the ${step.target === 'origin' ? 'origin (`/`)' : 'MCP endpoint'}${step.headers ? ` with ${headerList(step.headers)}` : ''}${reactions(step.on)}`];
      case 'metadata-prefetch':
        return [
          `${indent}- before any 401: ${step.requests.map((r) => `\`${r.method} ${r.path}\``).join(', ')}${step.headers ? ` with ${headerList(step.headers)}` : ''}${step.required ? `; fails without \`${step.required.path}\` (${step.required.because})` : ''}`,
        ];
      case 'oauth':
        return [`${indent}- the OAuth flow at once, whatever the server answered (OAuth forced)`];
      case 'mcp':
        return [`${indent}- \`POST\` \`${step.method}\`${step.params ? ` with params ${code(step.params)}` : ''}${reactions(step.on)}`];
      case 'initialized':
        return [`${indent}- \`POST\` \`notifications/initialized\`${reactions(step.on)}`];
      case 'get-stream':
        return [`${indent}- \`GET\` the MCP endpoint with \`Accept: text/event-stream\`${step.withToken ? '' : ', without a token'}${reactions(step.on)}`];
      case 'delete-session':
        return [`${indent}- \`DELETE\` the session`];
      case 'parallel':
        return [`${indent}- at once:`, ...stepLines(step.steps, `${indent}  `)];
    }
  });
}

function wireLines(p: ClientProfile): string[] {
  const ua = p.userAgent;
  const lines = [
    `- Transport: ${p.transport === 'legacy-sse' ? 'HTTP+SSE (2024-11-05)' : 'Streamable HTTP'}${p.browserOrigin ? `, from a browser page at \`${p.browserOrigin}\` (Origin on every request, CORS applies)` : ''}.`,
    `- User-Agent: ${code(ua.discovery)} for discovery and OAuth, ${code(ua.mcp)} on MCP requests${ua.authenticatedMcp ? `, ${code(ua.authenticatedMcp)} once it has a token` : ''}; the authorization page opens in the user's browser.`,
  ];
  if (p.driver !== 'replay') {
    return [
      ...lines,
      `- Driven, not replayed: the real ${p.driver === 'sdk-1' ? '`@modelcontextprotocol/sdk` 1.x' : '`@modelcontextprotocol/client` 2.x'} client makes every request${p.driver === 'sdk-2' ? ` (negotiation: ${p.sdkNegotiation ?? 'default'})` : ''}.`,
      `- clientInfo ${code(p.clientInfo)}; OAuth client metadata ${code(p.clientMetadata)}; redirect URI ${code(p.redirectUri)}.`,
    ];
  }
  const { protocol, auth } = p;
  const scope = Array.isArray(auth.scopeFrom) ? `from ${auth.scopeFrom.join(', then ')}` : `always ${code(auth.scopeFrom.fixed)}`;
  return [
    ...lines,
    `- \`Accept\` on POST: ${code(p.accept)}. Headers the user configured are ${p.configuredHeaders === 'sent' ? 'sent' : '**ignored**'}.`,
    protocol.era === 'stateless'
      ? `- Protocol: the stateless ${protocol.version} era (\`server/discover\`, \`_meta\` on every request)${protocol.fallbackVersion ? `, falling back to \`initialize\` with ${protocol.fallbackVersion}` : ''}; clientInfo ${code(protocol.clientInfo)}${protocol.versionHeaderValue ? `; \`MCP-Protocol-Version\` after the handshake: always ${code(protocol.versionHeaderValue)}` : ''}.`
      : `- Protocol: \`initialize\` with ${protocol.version}, clientInfo ${code(protocol.clientInfo)}; \`MCP-Protocol-Version\` afterwards: ${protocol.versionHeaderValue ? `always ${code(protocol.versionHeaderValue)}` : VERSION_HEADER[protocol.versionHeader]}; \`Mcp-Session-Id\` ${p.session.echo ? 'echoed' : 'not used'}${protocol.routingHeaders === 'always' ? '; `Mcp-Method` (and `Mcp-Name` on tools/call) on every POST, as in 2026-07-28' : ''}.`,
    `- Protected Resource Metadata from ${auth.protectedResourceOrder.map((o) => ORDER_NAMES[o]).join(', then ')}; its \`resource\` ${RESOURCE_CHECK[auth.resourceCheck]}${auth.bearerSchemeCaseSensitive ? '; only a `Bearer` challenge spelt exactly so counts' : ''}.`,
    `- Authorization server: ${auth.authorizationServerFrom === 'prm' ? 'from the PRM `authorization_servers`' : 'read on the MCP host, whatever the PRM says'}; without PRM it ${WITHOUT_PRM[auth.withoutPrm]}. Metadata URLs in order: ${list(auth.authorizationServerOrder)}${auth.defaultEndpointsFallback ? '; with none, `{origin}/authorize`, `/token`, `/register`' : ''}. It ${S256[auth.requireS256]}.`,
    `- Registration: ${auth.registration.join(', then ').replace('cimd', 'Client ID Metadata Document').replace('dcr', 'dynamic client registration')}${auth.cimdClientId ? ` (CIMD \`client_id\` ${code(auth.cimdClientId)}${auth.cimdRequiresNoneAuth ? ', only when the AS also lists `none` among its token endpoint auth methods' : ''})` : ''}. DCR body: ${code(auth.dcrBody)}${JSON.stringify(auth.dcrBody).includes('"{scope}"') ? ' (`{scope}`: the scope it asks for, left out when none)' : ''}.${auth.clientAssertion ? ` With its CIMD \`client_id\` it authenticates at the token endpoint with \`private_key_jwt\`: a client assertion (RFC 7523) signed ${auth.clientAssertion.alg} with a key its \`jwks_uri\` ${code(auth.clientAssertion.jwksUri)} publishes.` : ''}`,
    ...(auth.requestHeaders
      ? [
          `- OAuth request headers other than the defaults (\`Accept: application/json\`, \`MCP-Protocol-Version\` when it sends one): ${Object.entries(auth.requestHeaders)
            .map(([request, headers]) => `${OAUTH_REQUEST_NAMES[request as keyof typeof OAUTH_REQUEST_NAMES]} with ${headerList(headers!)}`)
            .join('; ')}.`,
        ]
      : []),
    `- Redirect URI ${code(auth.redirectUri)}; scope ${scope}${auth.addOfflineAccess ? ', plus `offline_access` when the AS lists it' : ''}; the RFC 8707 \`resource\` parameter ${auth.sendResource ? 'sent' : 'not sent'}; an OAuth error that is not RFC 6749 JSON ${auth.strictOAuthErrors ? 'fails with "Invalid OAuth error response"' : 'is tolerated'}.`,
    '- The handshake, in order:',
    ...stepLines(p.steps, '  '),
  ];
}

function profileSection(p: ClientProfile): string {
  return [
    `## \`${p.id}\``,
    '',
    `**${p.client}**: ${p.variant}. Observed: ${p.observed}.${p.isDefault ? ` The default for \`--client ${p.family}\`.` : ''}`,
    ...(p.clientBug
      ? ['', `A reported client bug (${link(p.clientBug.report)}): against the spec-correct server it fails at \`${p.clientBug.step}\`${p.clientBug.connectsWith ? `; it connects against the \`${p.clientBug.connectsWith}\` preset` : ''}.`]
      : []),
    '',
    ...wireLines(p),
    '',
    'Sources:',
    '',
    ...p.sources.map((s) => `- ${link(s.ref)}${s.note ? `: ${s.note}` : ''}`),
    ...(p.notes?.length ? ['', 'Caveats:', '', ...p.notes.map((n) => `- ${n}`)] : []),
  ].join('\n');
}

export function clientProfilesDoc(): string {
  return [
    '# Client profiles',
    '',
    GENERATED('src/main/core/simulator/profiles.ts'),
    '',
    'Each profile replays what one real client sends on the wire and how it reacts to what it gets',
    'back, at the date it was observed, with the public sources the behaviour comes from. Hosted',
    'clients (Claude.ai, ChatGPT) change without version numbers, so a profile is a dated variant:',
    'a new behaviour gets a new profile rather than an edit. Caveats say which values are inferred,',
    'only reported, or observed without a public source.',
    '',
    'The profiles of clients that run here (the MCP SDKs, mcp-remote, the Inspector\'s web client and CLI) are held',
    'against captures of the real clients in `npm test`, which list which version of each:',
    '[Compared with a real capture](simulator.md#compared-with-a-real-capture).',
    '',
    '```sh',
    'npm run cli -- simulate --client claude-ai --url https://my-server.example/mcp',
    'npm run cli -- simulate --list',
    '```',
    '',
    '| id | client | observed |',
    '| --- | --- | --- |',
    ...PROFILES.map((p) => `| [\`${p.id}\`](#${p.id.replace(/[^a-z0-9-]/gi, '').toLowerCase()})${p.isDefault ? ' (default)' : ''} | ${p.client} | ${p.observed} |`),
    '',
    ...PROFILES.map(profileSection).flatMap((s) => [s, '']),
    '## Bug-report scenarios',
    '',
    'Each documented failure the simulator reproduces (`npm run cli -- scenario run <id>`): the',
    'client that trips on it, the report it comes from, and the fix.',
    '',
    ...SCENARIOS.flatMap((s) => [
      `### \`${s.id}\``,
      '',
      `**${s.title}**: \`${s.clientId}\` ${s.expect.outcome === 'fail' ? 'fails' : 'warns'} at \`${s.expect.step}\`; ${s.lintGap ? `no lint rule explains it yet (${s.lintGap})` : `lint reports ${list(s.expectedLint)}`}. Report: ${s.reference}.`,
      '',
      `- What happened: ${s.symptom}`,
      `- Fix: ${s.fix}`,
      ...(s.sources?.length ? [`- Sources: ${s.sources.map(link).join(', ')}`] : []),
      '',
    ]),
  ].join('\n');
}

// ---- toggles -----------------------------------------------------------------------------------

function toggleSection(t: Toggle): string {
  return [
    `## \`${t.id}\``,
    '',
    `**${t.title}** (${t.group}).`,
    '',
    t.explanation,
    '',
    'Options (the first is the behaviour without the toggle):',
    '',
    ...t.options.map((o) => {
      const what = o.rules.map((r) => r.description).join('; ');
      const fields = o.profile ? Object.entries(o.profile).map(([k, v]) => `\`${k}: ${JSON.stringify(v)}\``).join(', ') : '';
      const profile = !o.profile ? '' : what ? ` With the built-in server it sets ${fields} instead.` : ` Built-in server only: it sets ${fields}.`;
      return `- \`${o.id}\`: ${o.label}${what ? `. ${what}.` : '.'}${profile}${breakChecks(o.id)}`;
    }),
    ...(t.breaks ? ['', `Who notices: ${t.breaks.noticedBy}`, '', `A well-behaved client: ${t.breaks.clientShould}`] : []),
    ...(t.sources?.length ? ['', 'Sources:', '', ...t.sources.map((s) => `- ${link(s)}`)] : []),
  ].join('\n');
}

/** The conformance-suite checks that catch a break, for a break option (shared/breaks.ts). */
function breakChecks(optionId: string): string {
  const found = REQUIREMENTS.flatMap((r) => r.breaks).find((b) => b.id === optionId);
  if (!found) return '';
  const checks = found.checks.map((c) => `\`${c.scenario}\` → \`${c.check}\` ${c.status}${c.revision ? ` (${c.revision})` : ''}`);
  const lint = found.lint.length ? ` Lint: ${found.lint.map((id) => `\`${id}\``).join(', ')}.` : '';
  return ` Spec revisions: ${found.revisions.join(', ')}. The conformance suite reports ${checks.join('; ')}.${lint}`;
}

export function togglesDoc(): string {
  return [
    '# Toggles',
    '',
    GENERATED('src/main/core/proxy/toggles.ts'),
    '',
    'A toggle is a one-click change of what the server answers, built from front-door rules so it',
    'works in front of any upstream; with the built-in reference server, a toggle that is a field of',
    'its behaviour profile flips that field instead, so the wire shows the server\'s own answer. Each',
    'says what real clients do about it, with public sources.',
    '',
    'The `requirements` group breaks a requirement of the spec on purpose (the reference server\'s',
    '`breaks` profile field, from `src/shared/breaks.ts`): each option names the conformance-suite',
    'checks that catch it, and the toggle says who notices and what a well-behaved client does.',
    '',
    '| id | title | group |',
    '| --- | --- | --- |',
    ...TOGGLES.map((t) => `| [\`${t.id}\`](#${t.id.replace(/[^a-z0-9-]/gi, '').toLowerCase()}) | ${t.title} | ${t.group} |`),
    '',
    ...TOGGLES.map(toggleSection).flatMap((s) => [s, '']),
    '## Behaviour presets',
    '',
    'Named behaviour profiles of the reference server (`serve --profile <id>`), with their sources.',
    '',
    ...PRESETS.flatMap((p) => [`- \`${p.id}\`: **${p.title}**. ${p.description}${p.sources?.length ? ` Sources: ${p.sources.map(link).join(', ')}.` : ''}`]),
    '',
  ].join('\n');
}

export const DOCS: Record<string, () => string> = {
  'docs/lint-rules.md': lintRulesDoc,
  'docs/client-profiles.md': clientProfilesDoc,
  'docs/toggles.md': togglesDoc,
};

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = dirname(dirname(fileURLToPath(import.meta.url)));
  for (const [path, render] of Object.entries(DOCS)) {
    writeFileSync(join(root, path), render());
    console.log(`wrote ${path}`);
  }
}
