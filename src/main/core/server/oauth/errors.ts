import type { ServerResponse } from 'node:http';
import { sendJson } from '../http';

/** Error codes of RFC 6749 §5.2 / §4.1.2.1, RFC 7591 §3.2.2, RFC 8707 and RFC 6750 §3.1. */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'unsupported_response_type'
  | 'invalid_scope'
  | 'access_denied'
  | 'server_error'
  | 'invalid_target'
  | 'invalid_redirect_uri'
  | 'invalid_client_metadata'
  | 'invalid_token'
  | 'insufficient_scope';

const DEFAULT_STATUS: Partial<Record<OAuthErrorCode, number>> = {
  invalid_client: 401,
  invalid_token: 401,
  insufficient_scope: 403,
  server_error: 500,
};

/** An OAuth error that answers as RFC 6749 JSON, never as an HTML or framework 404 body. */
export class OAuthError extends Error {
  readonly status: number;
  constructor(
    readonly code: OAuthErrorCode,
    readonly description: string,
    status?: number,
    /** Extra response headers, e.g. a `WWW-Authenticate: Basic` challenge on invalid_client. */
    readonly headers: Record<string, string> = {},
  ) {
    super(`${code}: ${description}`);
    this.status = status ?? DEFAULT_STATUS[code] ?? 400;
  }
}

export function sendOAuthError(res: ServerResponse, err: OAuthError, headers: Record<string, string> = {}): void {
  sendJson(
    res,
    err.status,
    { error: err.code, error_description: err.description },
    { 'Cache-Control': 'no-store', Pragma: 'no-cache', ...err.headers, ...headers },
  );
}
