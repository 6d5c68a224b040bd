import { randomUUID } from 'node:crypto';
import type { SdkProfile, SimulatedRequest, SimulationResult, StepVerdict } from '../../../shared/simulator';
import { SIMULATION_HEADER } from '../../../shared/simulator';
import { checkUrl, type SimulateOptions } from './engine';
import { Wire, WireError } from './http';
import { followToCallback } from './oauth';
import { clip } from '../../../shared/text';

// The SDK profiles are not replays: they run the real MCP TypeScript SDK client (1.x from
// @modelcontextprotocol/sdk, 2.x from @modelcontextprotocol/client) with an OAuth provider.
// The simulator only plays the browser (the authorization redirect) and notes each request
// the SDK makes through its `fetch` option, which it also uses for discovery and tokens.

/** What the SDKs need of an OAuth client provider (the same interface in 1.x and 2.x). */
class SimulatorOAuthProvider {
  private client?: Record<string, unknown>;
  private saved?: Record<string, unknown>;
  private verifier = '';
  private discovery?: unknown;
  authorizationUrl?: URL;

  constructor(
    private readonly redirect: string,
    private readonly metadata: Record<string, unknown>,
  ) {}

  get redirectUrl(): string {
    return this.redirect;
  }
  get clientMetadata() {
    return this.metadata as never;
  }
  clientInformation() {
    return this.client as never;
  }
  saveClientInformation(info: Record<string, unknown>) {
    this.client = info;
  }
  tokens() {
    return this.saved as never;
  }
  saveTokens(tokens: Record<string, unknown>) {
    this.saved = tokens;
  }
  redirectToAuthorization(url: URL) {
    this.authorizationUrl = url;
  }
  saveCodeVerifier(verifier: string) {
    this.verifier = verifier;
  }
  codeVerifier() {
    return this.verifier;
  }
  saveDiscoveryState(state: unknown) {
    this.discovery = state;
  }
  discoveryState() {
    return this.discovery as never;
  }
}

interface SdkClient {
  connect(transport: unknown): Promise<void>;
  listTools(): Promise<{ tools: Array<{ name: string }> }>;
  callTool(params: { name: string; arguments?: Record<string, unknown> }): Promise<{ content?: unknown; isError?: boolean }>;
  close(): Promise<void>;
  getServerVersion(): { name?: string; version?: string } | undefined;
}
interface SdkTransport {
  finishAuth(codeOrParams: string | URLSearchParams): Promise<void>;
  close(): Promise<void>;
}

interface SdkModules {
  makeClient(): SdkClient;
  makeTransport(url: URL, options: { authProvider: SimulatorOAuthProvider; fetch: typeof fetch }): SdkTransport;
  isUnauthorized(err: unknown): boolean;
  negotiated(client: SdkClient): string | undefined;
  /** 2.x checks the callback's `iss` (RFC 9207) when given the whole query. */
  finishWith(callback: URL): string | URLSearchParams;
}

async function loadSdk(profile: SdkProfile): Promise<SdkModules> {
  const clientInfo = profile.clientInfo;
  try {
    if (profile.driver === 'sdk-1') {
      const [{ Client }, { StreamableHTTPClientTransport }, { UnauthorizedError }] = await Promise.all([
        import('@modelcontextprotocol/sdk/client/index.js'),
        import('@modelcontextprotocol/sdk/client/streamableHttp.js'),
        import('@modelcontextprotocol/sdk/client/auth.js'),
      ]);
      return {
        makeClient: () => new Client(clientInfo) as unknown as SdkClient,
        makeTransport: (url, options) => new StreamableHTTPClientTransport(url, options as never) as unknown as SdkTransport,
        isUnauthorized: (err) => err instanceof UnauthorizedError,
        negotiated: () => undefined,
        finishWith: (callback) => callback.searchParams.get('code') ?? '',
      };
    }
    const sdk = await import('@modelcontextprotocol/client');
    const negotiation = profile.sdkNegotiation === 'auto' ? { versionNegotiation: { mode: 'auto' as const } } : undefined;
    return {
      makeClient: () => new sdk.Client(clientInfo, negotiation) as unknown as SdkClient,
      makeTransport: (url, options) => new sdk.StreamableHTTPClientTransport(url, options as never) as unknown as SdkTransport,
      isUnauthorized: (err) => err instanceof sdk.UnauthorizedError,
      negotiated: (client) => (client as unknown as InstanceType<typeof sdk.Client>).getNegotiatedProtocolVersion?.(),
      finishWith: (callback) => callback.searchParams,
    };
  } catch (err) {
    throw new Error(`The ${profile.client} profile needs the SDK package installed (${profile.driver === 'sdk-1' ? '@modelcontextprotocol/sdk' : '@modelcontextprotocol/client'}): ${(err as Error).message}`);
  }
}

export async function runSdk(profile: SdkProfile, options: SimulateOptions): Promise<SimulationResult> {
  const startedAt = Date.now();
  const started = performance.now();
  const url = checkUrl(options.url);
  const runId = options.runId ?? randomUUID();
  const wire = new Wire({ runId, timeoutMs: options.timeoutMs ?? 10_000, fetch: options.fetch });
  const sdk = await loadSdk(profile);
  const redirectUri = profile.redirectUri.replace('{port}', String(49152 + Math.floor(Math.random() * 16000)));
  const provider = new SimulatorOAuthProvider(redirectUri, JSON.parse(JSON.stringify(profile.clientMetadata).replaceAll('{redirect_uri}', redirectUri)));
  const verdicts: StepVerdict[] = [];
  let current: SimulatedRequest[] = [];
  const step = (id: string, title: string): StepVerdict => {
    const verdict: StepVerdict = { step: id, title, outcome: 'ok', message: '', requests: [] };
    verdicts.push(verdict);
    current = verdict.requests;
    return verdict;
  };

  // Requests sent whose answer has not begun yet (the SDK opens its GET stream without waiting):
  // the run ends only once each has its status, so what was recorded doesn't depend on timing.
  const awaitingHead = new Set<Promise<Response>>();
  // Every request the SDK makes goes through here: marked, given the profile's UA, noted.
  const sdkFetch: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const headers = new Headers(request.headers);
    headers.set(SIMULATION_HEADER, runId);
    if (!headers.has('user-agent')) headers.set('User-Agent', profile.userAgent.mcp);
    const entry: SimulatedRequest = { method: request.method, url: request.url, ms: 0 };
    current.push(entry);
    const t0 = performance.now();
    const head = (options.fetch ?? fetch)(new Request(request, { headers }));
    awaitingHead.add(head);
    void head.catch(() => undefined).finally(() => awaitingHead.delete(head));
    try {
      const response = await head;
      entry.status = response.status;
      return response;
    } catch (err) {
      entry.error = (err as Error).message;
      throw err;
    } finally {
      entry.ms = Math.round(performance.now() - t0);
    }
  };

  let tools: string[] | undefined;
  let failedAt: string | undefined;
  let summary = '';
  const fail = (verdict: StepVerdict, message: string) => {
    verdict.outcome = 'fail';
    verdict.message = message;
    failedAt = verdict.step;
    summary = `would fail at ${verdict.title}: ${message}`;
  };
  const transportOptions = { authProvider: provider, fetch: sdkFetch };
  const clients: SdkClient[] = [];
  try {
    let verdict = step('connect', `Client.connect to ${url.pathname} (no token)`);
    const first = sdk.makeTransport(url, transportOptions);
    const firstClient = sdk.makeClient();
    let connected = false;
    try {
      await firstClient.connect(first);
      clients.push(firstClient);
      connected = true;
      verdict.message = 'connected without authorization (the server asked for none)';
    } catch (err) {
      if (!sdk.isUnauthorized(err)) {
        fail(verdict, sdkError(err));
      } else if (!provider.authorizationUrl) {
        fail(verdict, 'the SDK gave up on authorization without an authorization URL');
      } else {
        verdict.message = '401: the SDK discovered the authorization server, registered, and opened the browser';
      }
    }

    if (!failedAt && !connected) {
      verdict = step('oauth.authorize', 'Authorization request (browser)');
      try {
        const callback = await followToCallback({ profile, wire, hooks: options.hooks ?? {}, redirectUri }, provider.authorizationUrl!.href, verdict.requests);
        if (callback.searchParams.get('error')) throw new Error(`the authorization server sent the browser back with error=${callback.searchParams.get('error')}`);
        verdict.message = `code received at ${callback.protocol}//${callback.host}${callback.pathname}`;
        verdict = step('oauth.token', 'transport.finishAuth (token request)');
        await first.finishAuth(sdk.finishWith(callback));
        verdict.message = 'the SDK exchanged the code for tokens';
      } catch (err) {
        fail(verdict, err instanceof WireError ? err.message : sdkError(err));
      }
      if (!failedAt) {
        verdict = step('initialize', `Client.connect to ${url.pathname} (with token)`);
        const client = sdk.makeClient();
        try {
          await client.connect(sdk.makeTransport(url, transportOptions));
          clients.push(client);
          const version = sdk.negotiated(client);
          verdict.message = `connected to ${client.getServerVersion()?.name ?? 'the server'}${version ? ` (protocol ${version})` : ''}`;
        } catch (err) {
          fail(verdict, sdkError(err));
        }
      }
    }
    if (!failedAt) {
      verdict = step('tools/list', 'client.listTools()');
      try {
        tools = (await clients[clients.length - 1]!.listTools()).tools.map((t) => t.name);
        verdict.message = `${tools.length} tools: ${tools.join(', ')}`;
      } catch (err) {
        fail(verdict, sdkError(err));
      }
    }
    const tool = options.callTool;
    if (!failedAt && tool) {
      // The SDK declares no client capabilities here: a server that needs input (input_required,
      // or a server→client request) meets a client that cannot give it, as with the bare SDK.
      verdict = step('tools/call', `client.callTool(${tool.name})`);
      try {
        const result = await clients[clients.length - 1]!.callTool({ name: tool.name, arguments: tool.arguments ?? {} });
        const text = Array.isArray(result.content) ? (result.content as Array<{ text?: unknown }>).find((c) => typeof c.text === 'string')?.text : undefined;
        verdict.message = `${result.isError ? 'a tool error' : 'a result'}${typeof text === 'string' ? `: ${clip(text, 200)}` : ''}`;
        if (result.isError) verdict.outcome = 'warn';
      } catch (err) {
        fail(verdict, sdkError(err));
      }
    }
  } finally {
    const headsTimeout = new Promise((resolve) => setTimeout(resolve, options.timeoutMs ?? 10_000).unref());
    await Promise.race([Promise.allSettled([...awaitingHead]), headsTimeout]);
    for (const client of clients) await client.close().catch(() => undefined);
    wire.closeAll();
  }
  const ok = !failedAt && !!tools;
  return {
    runId,
    profileId: profile.id,
    url: url.href,
    ok,
    ...(failedAt ? { failedAt } : {}),
    summary: ok ? `connected and listed ${tools!.length} tool${tools!.length === 1 ? '' : 's'}` : summary,
    steps: verdicts,
    ...(tools ? { tools } : {}),
    startedAt,
    durationMs: Math.round(performance.now() - started),
  };
}

/** The SDK's own message, with the cause a fetch failure hides. */
function sdkError(err: unknown): string {
  const error = err as Error & { cause?: Error & { code?: string } };
  const cause = error?.cause?.code === 'ECONNREFUSED' ? ' (connection refused: nothing is listening there)' : error?.cause?.message ? ` (${error.cause.message})` : '';
  return `${error?.message ?? String(err)}${cause}`;
}
