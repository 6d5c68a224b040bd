// @peculiar/x509's dependency tsyringe refuses to load without the Reflect metadata API.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { rootCertificates } from 'node:tls';
import * as x509 from '@peculiar/x509';
import { createMcpExpressApp } from '@modelcontextprotocol/sdk/server/express.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { createOAuthMetadata, mcpAuthMetadataRouter, mcpAuthRouter } from '@modelcontextprotocol/sdk/server/auth/router.js';
import { requireBearerAuth } from '@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type { AuthorizationParams } from '@modelcontextprotocol/sdk/server/auth/provider.js';
import type { OAuthClientInformationFull, OAuthMetadata } from '@modelcontextprotocol/sdk/shared/auth.js';
import { getOAuthProtectedResourceMetadataUrl } from '@modelcontextprotocol/sdk/server/auth/router.js';
import { DemoInMemoryAuthProvider } from '@modelcontextprotocol/sdk/examples/server/demoInMemoryOAuthProvider.js';
import { z } from 'zod';
import { Client as Client1 } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as Transport1 } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError as Unauthorized1 } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client as Client2, StreamableHTTPClientTransport as Transport2, UnauthorizedError as Unauthorized2 } from '@modelcontextprotocol/client';
import { MemoryOAuthProvider } from './oauthProvider';
import { USER_BROWSER_HEADERS } from './realClient';
import { closeNow } from '../../src/main/core/streamingServer';

// An authorization server on another origin over HTTPS, and an MCP server it protects: the shape of
// a server whose AS is hosted elsewhere (Auth0, Keycloak…), made of real parts. The AS is the MCP
// SDK's own demo AS (mcpAuthRouter + DemoInMemoryAuthProvider, strict about `resource`) served by
// node:https with a certificate of a test CA made here (hostname `localhost`); the MCP server is
// the SDK's McpServer behind its bearer middleware, which checks tokens with that AS.

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

export interface TestCertificates {
  /** The test CA's certificate (PEM): what a client must trust. */
  caPem: string;
  /** The server's key and certificate for `localhost` (and 127.0.0.1). */
  keyPem: string;
  certPem: string;
}

const EC = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

/** A fresh CA and a `localhost` server certificate it signed, valid for a day. */
export async function makeTestCertificates(): Promise<TestCertificates> {
  const notBefore = new Date(Date.now() - 60_000);
  const notAfter = new Date(Date.now() + 24 * 3600_000);
  const caKeys = (await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify'])) as unknown as CryptoKeyPair;
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'CN=MCP Handshake Inspector test CA',
    notBefore,
    notAfter,
    signingAlgorithm: EC,
    keys: caKeys,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const keys = (await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify'])) as unknown as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: '02',
    subject: 'CN=localhost',
    issuer: ca.subject,
    notBefore,
    notAfter,
    signingAlgorithm: EC,
    publicKey: keys.publicKey,
    signingKey: caKeys.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(false),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        { type: 'dns', value: 'localhost' },
        { type: 'ip', value: '127.0.0.1' },
      ]),
      await x509.AuthorityKeyIdentifierExtension.create(ca),
    ],
  });
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey as unknown as webcrypto.CryptoKey);
  return { caPem: ca.toString('pem'), keyPem: x509.PemConverter.encode(pkcs8, 'PRIVATE KEY'), certPem: cert.toString('pem') };
}

/**
 * The SDK demo's provider as an RFC 9207 AS: its authorization response also carries `iss`
 * (the demo leaves it out), which SDK 2.x clients compare with the issuer they discovered.
 */
class Rfc9207DemoProvider extends DemoInMemoryAuthProvider {
  constructor(
    validateResource: (resource?: URL) => boolean,
    private readonly issuer: string,
  ) {
    super(validateResource);
  }

  override async authorize(client: OAuthClientInformationFull, params: AuthorizationParams, res: Parameters<DemoInMemoryAuthProvider['authorize']>[2]): Promise<void> {
    const redirect = res.redirect.bind(res) as (url: string) => void;
    (res as { redirect: (url: string) => void }).redirect = (url: string) => {
      const target = new URL(url);
      target.searchParams.set('iss', this.issuer);
      redirect(target.toString());
    };
    return super.authorize(client, params, res);
  }
}

export interface RunningHttpsAs {
  /** https://localhost:<port>/ as the AS names itself. */
  issuer: string;
  metadata: OAuthMetadata;
  provider: DemoInMemoryAuthProvider;
  /** Every request the AS received: method, path, Host, and the SNI name the TLS client sent. */
  seen: Array<{ method: string; path: string; host?: string; servername?: string }>;
  close(): Promise<void>;
}

/**
 * The SDK's demo AS over HTTPS on 127.0.0.1, named `localhost`: strict about `resource` (only
 * `mcpUrl` is accepted, as with the demo's --oauth-strict). `iss` adds RFC 9207's parameter,
 * `openid` the OpenID discovery document, `openidOnly` that document without the RFC 8414 one (404).
 */
export async function startHttpsAs(certs: TestCertificates, mcpUrl: URL, options: { iss?: boolean; cimd?: boolean; openid?: boolean; openidOnly?: boolean } = {}): Promise<RunningHttpsAs> {
  const server = createHttpsServer({ key: certs.keyPem, cert: certs.certPem });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuerUrl = new URL(`https://localhost:${(server.address() as AddressInfo).port}`);
  const validateResource = (resource?: URL) => resource?.toString() === mcpUrl.toString();
  const provider = options.iss ? new Rfc9207DemoProvider(validateResource, issuerUrl.toString()) : new DemoInMemoryAuthProvider(validateResource);
  // (the SDK's express app, with its DNS-rebinding check for a server named localhost)
  const app = createMcpExpressApp({ host: 'localhost' });
  const seen: RunningHttpsAs['seen'] = [];
  app.use((req: IncomingMessage, _res: ServerResponse, next: () => void) => {
    seen.push({ method: req.method ?? '', path: req.url ?? '', host: req.headers.host, servername: (req.socket as { servername?: string }).servername });
    next();
  });
  if (options.cimd) acceptClientIdMetadataDocuments(app, provider, issuerUrl, certs.caPem);
  // Auth0's and Google's shape: no RFC 8414 document, OpenID discovery only.
  if (options.openidOnly) {
    app.get('/.well-known/oauth-authorization-server', (_req: IncomingMessage, res: ServerResponse) => void res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not_found"}'));
  }
  // OpenID Connect discovery as well (Auth0, Keycloak and Google serve it), with the same metadata.
  if (options.openid || options.openidOnly) {
    // (with the fields OpenID Connect Discovery 1.0 section 3 requires, which SDK clients check)
    const document = JSON.stringify({ ...createOAuthMetadata({ provider, issuerUrl, scopesSupported: ['mcp:tools'] }), jwks_uri: new URL('/jwks', issuerUrl).href, subject_types_supported: ['public'], id_token_signing_alg_values_supported: ['RS256'] });
    app.get('/.well-known/openid-configuration', (_req: IncomingMessage, res: ServerResponse) => void res.writeHead(200, { 'content-type': 'application/json' }).end(document));
  }
  app.use(mcpAuthRouter({ provider, issuerUrl, scopesSupported: ['mcp:tools'] }));
  server.on('request', app);
  const metadata = JSON.parse(await httpsGet(new URL(options.openidOnly ? '/.well-known/openid-configuration' : '/.well-known/oauth-authorization-server', issuerUrl), certs.caPem)) as OAuthMetadata;
  return { issuer: issuerUrl.toString(), metadata, provider, seen, close: () => closeNow(server) };
}

/**
 * Client ID Metadata Documents at the demo AS: a client_id that is an https URL is fetched by
 * the AS itself (over HTTPS, the test CA trusted) and its redirect URIs are the ones allowed;
 * the metadata says so (`client_id_metadata_document_supported`), as SDK clients look for.
 */
function acceptClientIdMetadataDocuments(app: { get(path: string, handler: (req: IncomingMessage, res: ServerResponse) => void): void }, provider: DemoInMemoryAuthProvider, issuerUrl: URL, caPem: string): void {
  const metadata = { ...createOAuthMetadata({ provider, issuerUrl, scopesSupported: ['mcp:tools'] }), client_id_metadata_document_supported: true };
  app.get('/.well-known/oauth-authorization-server', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(metadata));
  });
  const store = provider.clientsStore;
  const registered = store.getClient.bind(store);
  store.getClient = async (clientId: string) => {
    if (!clientId.startsWith('https://')) return registered(clientId);
    const document = JSON.parse(await httpsGet(new URL(clientId), caPem)) as OAuthClientInformationFull;
    return { ...document, client_id: clientId };
  };
}

export interface RunningProtectedMcp {
  mcpUrl: string;
  origin: string;
  close(): Promise<void>;
}

/** The port an MCP server will listen on, bound first so its resource URL can be named before the AS starts. */
export async function reserveServer(): Promise<{ server: Server; mcpUrl: URL }> {
  const server = createHttpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, mcpUrl: new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`) };
}

/**
 * An MCP server (SDK McpServer, stateless Streamable HTTP) whose PRM names the AS, and which
 * accepts only tokens that AS issued for this resource (the demo provider's own check).
 */
export function serveProtectedMcp(server: Server, mcpUrl: URL, as: RunningHttpsAs, options: { rootPrm?: boolean; authorizationServer?: string } = {}): RunningProtectedMcp {
  const app = createMcpExpressApp();
  const prm = { resource: mcpUrl.href, authorization_servers: [options.authorizationServer ?? as.issuer], scopes_supported: ['mcp:tools'], resource_name: 'protected test server' };
  // The AS named otherwise than its metadata's issuer (without its trailing slash, say): this PRM wins over the router's.
  if (options.authorizationServer) app.get(new URL(getOAuthProtectedResourceMetadataUrl(mcpUrl)).pathname, (_req: IncomingMessage, res: ServerResponse) => void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(prm)));
  // The PRM at the root too (RFC 9728 section 3.1 allows both), where ChatGPT looks first.
  if (options.rootPrm) app.get('/.well-known/oauth-protected-resource', (_req: IncomingMessage, res: ServerResponse) => void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(prm)));
  app.use(mcpAuthMetadataRouter({ oauthMetadata: as.metadata, resourceServerUrl: mcpUrl, scopesSupported: ['mcp:tools'], resourceName: prm.resource_name }));
  const auth = requireBearerAuth({
    verifier: as.provider,
    requiredScopes: [],
    resourceMetadataUrl: getOAuthProtectedResourceMetadataUrl(mcpUrl),
    // Only tokens issued for this server (RFC 8707): the AS must have received this server's own URL as `resource`.
    expectedResource: mcpUrl,
  });
  app.all('/mcp', auth, async (req: IncomingMessage & { auth?: AuthInfo; body?: unknown }, res: ServerResponse) => {
    const mcp = new McpServer({ name: 'protected-test-server', version: '1.0.0' });
    mcp.registerTool('whoami', { inputSchema: { greeting: z.string() } }, async ({ greeting }) => ({ content: [{ type: 'text', text: `${greeting}, ${req.auth?.clientId}` }] }));
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on('close', () => void transport.close());
    await mcp.connect(transport);
    await transport.handleRequest(req, res, req.body);
  });
  server.on('request', app);
  return { mcpUrl: mcpUrl.toString(), origin: mcpUrl.origin, close: () => closeNow(server) };
}

/** GET over HTTPS trusting the test CA (besides Node's roots). */
export function httpsGet(url: URL, caPem: string): Promise<string> {
  return new Promise((resolve, reject) => {
    httpsRequest(url, { ca: [...rootCertificates, caPem] }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      res.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

/**
 * The user's browser in an authorization (a browser's User-Agent and Accept): opens the URL and follows redirects (over HTTPS with
 * the test CA trusted) until one leads to the client's redirect URI, which it returns. Every URL
 * visited is kept, so a test can say which legs went through the front door.
 */
export async function browse(start: URL | string, redirectUri: string, caPem: string, visited: string[] = []): Promise<URL> {
  let url = new URL(start);
  for (let hop = 0; hop < 10; hop++) {
    if (url.toString().startsWith(redirectUri)) return url;
    visited.push(url.toString());
    const location = await redirectOf(url, caPem);
    url = new URL(location, url);
  }
  throw new Error(`more than 10 redirects from ${start}: ${visited.join(' → ')}`);
}

function redirectOf(url: URL, caPem: string): Promise<string> {
  const fetchOnce = url.protocol === 'https:'
    ? new Promise<{ status?: number; location?: string; body: string }>((resolve, reject) => {
        httpsRequest(url, { ca: [...rootCertificates, caPem], headers: USER_BROWSER_HEADERS }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode, location: res.headers.location, body: Buffer.concat(chunks).toString('utf8') }));
        })
          .on('error', reject)
          .end();
      })
    : fetch(url, { redirect: 'manual', headers: USER_BROWSER_HEADERS }).then(async (res) => ({ status: res.status, location: res.headers.get('location') ?? undefined, body: await res.text() }));
  return fetchOnce.then(({ status, location, body }) => {
    if (status !== 302 && status !== 303 && status !== 307) throw new Error(`${url} answered ${status}, not a redirect: ${body.slice(0, 300)}`);
    return location!;
  });
}

/**
 * An unmodified MCP SDK client (1.x or 2.x) through the front door at `origin`, OAuth included,
 * the browser following the AS over HTTPS (the test CA trusted), then tools/list: 'connected',
 * or the message of what stopped it.
 */
export async function sdkSessionOverTls(origin: string, sdk: 1 | 2, redirectUri: string, caPem: string): Promise<string> {
  const url = new URL('/mcp', origin);
  const provider = new MemoryOAuthProvider(redirectUri);
  const connect = async () => {
    const client = sdk === 1 ? new Client1({ name: 'tls-as-sdk1', version: '1.0.0' }) : new Client2({ name: 'tls-as-sdk2', version: '2.0.0' });
    await client.connect((sdk === 1 ? new Transport1(url, { authProvider: provider }) : new Transport2(url, { authProvider: provider })) as never);
    await client.listTools();
    await client.close();
  };
  try {
    try {
      await connect();
    } catch (err) {
      if (!(err instanceof Unauthorized1 || err instanceof Unauthorized2) || !provider.authorizationUrls[0]) throw err;
      const callback = await browse(provider.authorizationUrls[0], redirectUri, caPem);
      if (sdk === 1) await new Transport1(url, { authProvider: provider }).finishAuth(callback.searchParams.get('code')!);
      else await new Transport2(url, { authProvider: provider }).finishAuth(callback.searchParams);
      await connect();
    }
    return 'connected';
  } catch (err) {
    return (err as Error).message;
  }
}
