import type { ExchangeSummary } from '../../../shared/controlApi';

// The handshake of one client connection, read from its recorded exchanges: which lane each
// exchange went to, and how far the client got through the steps the MCP authorization spec
// describes, in plain words with the spec section for each.

export type Lane = 'client' | 'tunnel' | 'proxy' | 'server' | 'as';

export const LANES: Array<{ id: Lane; title: string }> = [
  { id: 'client', title: 'Client' },
  { id: 'tunnel', title: 'Tunnel' },
  { id: 'proxy', title: 'Inspector' },
  { id: 'server', title: 'MCP server' },
  { id: 'as', title: 'Authorization server' },
];

const SPEC = 'https://modelcontextprotocol.io/specification/2025-11-25';

/** The authorization server answers OAuth endpoints and its own metadata; the MCP server the rest. */
export function targetLane(row: ExchangeSummary): Lane {
  if (row.phase === 'registration' || row.phase === 'authorization' || row.phase === 'token') return 'as';
  if (row.phase === 'discovery' && row.discovery && !row.discovery.startsWith('protected-resource')) return 'as';
  return 'server';
}

export interface SequenceArrow {
  id: string;
  from: Lane;
  to: Lane;
  /** Through a tunnel in front of the inspector. */
  viaTunnel: boolean;
  request: string;
  status?: number;
  changedFrom?: number;
}

export function sequence(rows: ExchangeSummary[]): SequenceArrow[] {
  return rows.map((row) => ({
    id: row.id,
    from: 'client',
    to: targetLane(row),
    viaTunnel: !!row.forwarded,
    request: `${row.method} ${row.url.split('?')[0]}${row.rpcMethods.length ? ` · ${row.rpcMethods.join(', ')}` : ''}`,
    status: row.status,
    changedFrom: row.upstreamStatus,
  }));
}

export type StepState = 'done' | 'failed' | 'waiting';

export interface HandshakeStep {
  id: 'discovered' | 'registered' | 'authorized' | 'token' | 'initialized' | 'tools-listed' | 'tool-called';
  title: string;
  state: StepState;
  /** The exchange that shows it (the row to open). */
  evidence?: string;
  happened: string;
  expects: string;
  spec: { label: string; url: string };
}

const ok = (row: ExchangeSummary) => row.status !== undefined && row.status >= 200 && row.status < 300;
const failed = (row: ExchangeSummary) => row.status !== undefined && row.status >= 400;
const path = (row: ExchangeSummary) => row.url.split('?')[0];
const hasRpc = (row: ExchangeSummary, method: string) => row.rpcMethods.includes(method);

function lastOf(rows: ExchangeSummary[], test: (row: ExchangeSummary) => boolean): ExchangeSummary | undefined {
  for (let i = rows.length - 1; i >= 0; i--) if (test(rows[i]!)) return rows[i];
  return undefined;
}

export function handshakeSteps(rows: ExchangeSummary[]): HandshakeStep[] {
  const steps: HandshakeStep[] = [];

  // 1. Discovery: Protected Resource Metadata, then the authorization server's metadata.
  const challenge = rows.find((r) => r.status === 401 && r.phase === 'jsonrpc');
  const prm = rows.filter((r) => r.phase === 'discovery' && r.discovery?.startsWith('protected-resource'));
  const asMeta = rows.filter((r) => r.phase === 'discovery' && (r.discovery?.startsWith('authorization-server') || r.discovery?.startsWith('openid-configuration')));
  const prmOk = prm.find(ok);
  const asOk = asMeta.find(ok);
  steps.push({
    id: 'discovered',
    title: 'Discovered',
    state: prmOk && asOk ? 'done' : prm.length && prm.every(failed) && !asOk ? 'failed' : 'waiting',
    evidence: (prmOk ?? asOk ?? prm[0] ?? challenge)?.id,
    happened:
      prm.length || asMeta.length
        ? [
            challenge ? `The server answered ${challenge.status} to ${challenge.rpcMethods[0] ?? 'the first request'}.` : '',
            prm.length ? `Protected Resource Metadata: ${prm.map((r) => `${path(r)} → ${r.status ?? '…'}`).join(', ')}.` : 'No Protected Resource Metadata was asked for.',
            asMeta.length ? `Authorization server metadata: ${asMeta.map((r) => `${path(r)} → ${r.status ?? '…'}`).join(', ')}.` : 'No authorization server metadata yet.',
          ]
            .filter(Boolean)
            .join(' ')
        : challenge
          ? `The server answered ${challenge.status}; the client has not looked for metadata yet.`
          : 'Nothing yet: connect a client to the MCP URL.',
    expects:
      'A request without a token gets 401 with WWW-Authenticate: Bearer resource_metadata="…". The client then fetches that Protected Resource Metadata (RFC 9728), takes an authorization server from it and fetches its metadata (RFC 8414 or OpenID discovery).',
    spec: { label: 'Authorization server discovery', url: `${SPEC}/basic/authorization#authorization-server-discovery` },
  });

  // 2. Registration (DCR), unless the client came with a client_id.
  const registration = rows.filter((r) => r.phase === 'registration');
  const registered = registration.find(ok);
  const authorize = rows.filter((r) => r.phase === 'authorization');
  steps.push({
    id: 'registered',
    title: 'Registered',
    state: registered ? 'done' : registration.length && registration.every(failed) ? 'failed' : authorize.length ? 'done' : 'waiting',
    evidence: (registered ?? registration[0])?.id,
    happened: registration.length
      ? `${registration.map((r) => `${r.method} ${path(r)} → ${r.status ?? '…'}`).join(', ')}.`
      : authorize.length
        ? 'No registration: the client already had a client_id (registered before, pre-registered, or a Client ID Metadata Document URL).'
        : 'Not yet.',
    expects: 'Without a client_id the client registers with Dynamic Client Registration (RFC 7591): POST to the registration_endpoint, answered 201 with a client_id.',
    spec: { label: 'Dynamic client registration', url: `${SPEC}/basic/authorization#dynamic-client-registration` },
  });

  // 3. Authorization: the browser leg, ending in a redirect with a code.
  const redirected = lastOf(authorize, (r) => r.status === 302 || r.status === 303);
  steps.push({
    id: 'authorized',
    title: 'Authorized',
    state: redirected ? 'done' : authorize.length && authorize.every(failed) ? 'failed' : 'waiting',
    evidence: (redirected ?? authorize[0])?.id,
    happened: authorize.length
      ? redirected
        ? `The user approved; ${path(redirected)} redirected back to the client with a code.`
        : `${authorize.map((r) => `${r.method} ${path(r)} → ${r.status ?? '…'}`).join(', ')}${authorize.some((r) => r.status === 200) ? ' (the consent page is waiting for the user)' : ''}.`
      : 'Not yet.',
    expects: 'The client opens the authorization endpoint in a browser with PKCE (code_challenge, S256) and the resource parameter; after consent the server redirects to the redirect_uri with a code and the same state.',
    spec: { label: 'Authorization code flow with PKCE', url: `${SPEC}/basic/authorization#authorization-code-protection` },
  });

  // 4. Token exchange.
  const tokens = rows.filter((r) => r.phase === 'token');
  const tokenOk = lastOf(tokens, ok);
  steps.push({
    id: 'token',
    title: 'Token',
    state: tokenOk ? 'done' : tokens.length && tokens.every(failed) ? 'failed' : 'waiting',
    evidence: (tokenOk ?? tokens[tokens.length - 1])?.id,
    happened: tokens.length ? `${tokens.map((r) => `${r.grantType ?? 'token'} → ${r.status ?? '…'}`).join(', ')}.` : 'Not yet.',
    expects: 'The client POSTs the code with its code_verifier and the resource to the token endpoint and gets an access token (and usually a refresh token); errors are RFC 6749 JSON like {"error":"invalid_grant"}.',
    spec: { label: 'Access token request', url: `${SPEC}/basic/authorization#token-handling` },
  });

  // 5. Initialize with the token, then notifications/initialized (answered 202).
  const initialize = rows.filter((r) => hasRpc(r, 'initialize'));
  const initOk = lastOf(initialize, ok);
  const initialized = rows.find((r) => hasRpc(r, 'notifications/initialized'));
  const initFailed = !initOk && initialize.length > 0 && failed(initialize[initialize.length - 1]!) && initialize[initialize.length - 1]!.status !== 401;
  steps.push({
    id: 'initialized',
    title: 'Initialized',
    state: initOk ? 'done' : initFailed ? 'failed' : 'waiting',
    evidence: (initOk ?? initialize[initialize.length - 1])?.id,
    happened: initialize.length
      ? `initialize → ${initialize.map((r) => r.status ?? '…').join(', then ')}${initialized ? `; notifications/initialized → ${initialized.status ?? '…'}${initialized.status !== undefined && initialized.status !== 202 ? ' (the spec says 202; Claude.ai warns on 204)' : ''}` : ''}.`
      : 'Not yet.',
    expects: 'With the token, initialize succeeds (the server may issue Mcp-Session-Id); the client then sends notifications/initialized, which a server answers 202 Accepted with no body.',
    spec: { label: 'Lifecycle: initialization', url: `${SPEC}/basic/lifecycle#initialization` },
  });

  // 6–7. tools/list and tools/call.
  const list = rows.filter((r) => hasRpc(r, 'tools/list'));
  const listOk = lastOf(list, ok);
  steps.push({
    id: 'tools-listed',
    title: 'Tools listed',
    state: listOk ? 'done' : list.length && list.every(failed) ? 'failed' : 'waiting',
    evidence: (listOk ?? list[0])?.id,
    happened: list.length ? `tools/list → ${list.map((r) => r.status ?? '…').join(', ')}.` : 'Not yet.',
    expects: 'The client lists the tools; Claude.ai (2025) only did so when initialize had issued an Mcp-Session-Id.',
    spec: { label: 'Tools: listing tools', url: `${SPEC}/server/tools#listing-tools` },
  });
  const calls = rows.filter((r) => hasRpc(r, 'tools/call'));
  const callOk = lastOf(calls, ok);
  steps.push({
    id: 'tool-called',
    title: 'Tool called',
    state: callOk ? 'done' : calls.length && calls.every(failed) ? 'failed' : 'waiting',
    evidence: (callOk ?? calls[0])?.id,
    happened: calls.length ? `${calls.map((r) => `${r.rpcTarget ?? 'tools/call'} → ${r.status ?? '…'}`).join(', ')}.` : 'Not yet: ask the client to use a tool.',
    expects: 'tools/call runs a tool; errors of the tool itself come back as a result with isError: true, not as a JSON-RPC error.',
    spec: { label: 'Tools: calling tools', url: `${SPEC}/server/tools#calling-tools` },
  });
  return steps;
}
