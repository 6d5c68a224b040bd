import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import type { OAuthClientInformationFull, OAuthClientMetadata, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';

/**
 * An in-memory OAuth client provider for the MCP SDK clients (1.x, and 2.x, which accepts the
 * same interface). `redirectToAuthorization` records the URL a real client would open in the
 * browser; the test then drives the consent page itself.
 */
export class MemoryOAuthProvider implements OAuthClientProvider {
  client?: OAuthClientInformationFull;
  savedTokens?: OAuthTokens;
  verifier = '';
  authorizationUrls: URL[] = [];

  constructor(
    readonly redirectUri = 'http://127.0.0.1:53682/callback',
    private readonly metadataOverrides: Partial<OAuthClientMetadata> = {},
  ) {}

  get redirectUrl(): string {
    return this.redirectUri;
  }

  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: 'vitest MCP SDK client',
      redirect_uris: [this.redirectUri],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      ...this.metadataOverrides,
    };
  }

  clientInformation() {
    return this.client;
  }
  saveClientInformation(info: OAuthClientInformationFull) {
    this.client = info;
  }
  tokens() {
    return this.savedTokens;
  }
  saveTokens(tokens: OAuthTokens) {
    this.savedTokens = tokens;
  }
  redirectToAuthorization(url: URL) {
    this.authorizationUrls.push(url);
  }
  saveCodeVerifier(verifier: string) {
    this.verifier = verifier;
  }
  codeVerifier() {
    return this.verifier;
  }
  // Discovery state is kept in memory too (the 2.x client warns when a provider lacks these).
  private discovery?: unknown;
  saveDiscoveryState(state: unknown) {
    this.discovery = state;
  }
  discoveryState() {
    return this.discovery as never;
  }
}
