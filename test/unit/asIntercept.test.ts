import { describe, expect, it } from 'vitest';
import { AsOriginMap } from '../../src/main/core/proxy/asInterceptMap';
import { noticeDocument } from '../../src/main/core/proxy/asInterceptMetadata';
import { callbackLocation, CallbackRelay, rewriteAsParams, rewriteJsonBody, type RequestFaces, type RequestRewrite } from '../../src/main/core/proxy/asInterceptRelay';
import { rewriteOrigin } from '../../src/main/core/proxy/originRewrite';

// --intercept-as's pure parts: the origin map and its routes, what metadata teaches it, the
// request's two faces and the callback relay. (The wire is tested in test/integration/intercept-as*.)

const CLIENT = 'http://127.0.0.1:7420';
const notUpstream = () => false;

describe('AsOriginMap', () => {
  it('numbers origins once and routes /_as/<n>/ and the inserted well-known forms to them', () => {
    const map = new AsOriginMap();
    expect(map.indexOf('https://tenant.auth0.example')).toBe(0);
    expect(map.indexOf('https://login.example')).toBe(1);
    expect(map.indexOf('https://tenant.auth0.example')).toBe(0);
    expect(map.route('/_as/0/oauth/token')).toEqual({ kind: 'as', index: 0, origin: 'https://tenant.auth0.example', path: '/oauth/token' });
    expect(map.route('/_as/1/authorize?client_id=a&state=s')).toMatchObject({ index: 1, path: '/authorize?client_id=a&state=s' });
    // RFC 8414 section 3.1: the issuer's path goes after the well-known name.
    expect(map.route('/.well-known/oauth-authorization-server/_as/1/realms/mcp')).toMatchObject({ index: 1, path: '/.well-known/oauth-authorization-server/realms/mcp' });
    expect(map.route('/.well-known/oauth-authorization-server/_as/0')).toMatchObject({ index: 0, path: '/.well-known/oauth-authorization-server' });
    expect(map.route('/.well-known/openid-configuration/_as/1/realms/mcp')).toMatchObject({ path: '/.well-known/openid-configuration/realms/mcp' });
    expect(map.route('/_as/1/realms/mcp/.well-known/openid-configuration')).toMatchObject({ path: '/realms/mcp/.well-known/openid-configuration' });
    expect(map.route('/_as/callback/3?code=c')).toEqual({ kind: 'callback', key: 3, query: '?code=c' });
    expect(map.route('/_as/9/token')).toEqual({ kind: 'unknown', index: 9 });
    expect(map.route('/mcp')).toBeUndefined();
    expect(map.route('/_assets/app.js')).toBeUndefined();
  });

  it('rewrites every mapped origin, also one mapped after the pairs were handed out', () => {
    const map = new AsOriginMap();
    map.indexOf('https://as.example');
    const pair = { upstream: ['http://localhost:3000'], client: CLIENT, also: map.pairs(CLIENT) };
    map.indexOf('https://jwks.example');
    const text = JSON.stringify({ issuer: 'https://as.example/t/', jwks_uri: 'https://jwks.example/keys', resource: 'http://localhost:3000/mcp', other: 'https://as.example.org/x' });
    expect(JSON.parse(rewriteOrigin(text, pair))).toEqual({ issuer: `${CLIENT}/_as/0/t/`, jwks_uri: `${CLIENT}/_as/1/keys`, resource: `${CLIENT}/mcp`, other: 'https://as.example.org/x' });
  });
});

describe('noticeDocument', () => {
  it('maps a PRM’s authorization servers and keeps its resource; skips the upstream’s own origin', () => {
    const map = new AsOriginMap();
    const prm = { resource: 'http://localhost:3000/mcp', authorization_servers: ['https://as.example/tenant', 'http://localhost:3000'] };
    expect(noticeDocument(JSON.stringify(prm), map, (origin) => origin === 'http://localhost:3000')).toEqual({ resource: 'http://localhost:3000/mcp' });
    expect(map.size).toBe(1);
    expect(map.originAt(0)).toBe('https://as.example');
  });

  it('maps the endpoints of a fronted AS’s metadata, and only of a fronted AS', () => {
    const map = new AsOriginMap();
    const metadata = { issuer: 'https://as.example/', authorization_endpoint: 'https://as.example/authorize', token_endpoint: 'https://tokens.example/token', service_documentation: 'https://docs.example/' };
    expect(noticeDocument(JSON.stringify(metadata), map, notUpstream)).toBeUndefined();
    expect(map.size).toBe(0);
    map.indexOf('https://as.example');
    expect(noticeDocument(JSON.stringify(metadata), map, notUpstream)).toEqual({ issuer: 'https://as.example/' });
    expect(map.has('https://tokens.example')).toBe(true);
    expect(map.has('https://docs.example')).toBe(false);
  });

  it('maps the foreign endpoints of metadata the upstream serves as its own issuer', () => {
    const map = new AsOriginMap();
    const upstream = (origin: string) => origin === 'https://mcp.example';
    const metadata = { issuer: 'https://mcp.example', authorization_endpoint: 'https://tenant.auth0.example/authorize', token_endpoint: 'https://tenant.auth0.example/oauth/token', registration_endpoint: 'https://mcp.example/register' };
    noticeDocument(JSON.stringify(metadata), map, upstream);
    expect([map.originAt(0), map.size]).toEqual(['https://tenant.auth0.example', 1]);
  });
});

describe('the two faces and the callback relay', () => {
  function faces(): RequestFaces {
    const map = new AsOriginMap();
    map.indexOf('https://as.example');
    return { canonicalResource: (v) => (v === `${CLIENT}/mcp` ? 'http://localhost:3000/mcp' : undefined), relay: new CallbackRelay(map), client: CLIENT, realIssuer: 'https://as.example/' };
  }

  it('relays registered redirect URIs consistently, and maps resource and audience back', () => {
    const f = faces();
    const report: RequestRewrite = { changes: [], limits: [] };
    const registration = rewriteJsonBody(Buffer.from(JSON.stringify({ client_name: 'c', redirect_uris: ['http://127.0.0.1:1/cb', 'http://127.0.0.1:2/cb'] })), true, f, report)!;
    expect(JSON.parse(registration.toString()).redirect_uris).toEqual([`${CLIENT}/_as/callback/0`, `${CLIENT}/_as/callback/1`]);
    const query = new URLSearchParams(rewriteAsParams(`response_type=code&client_id=c&redirect_uri=${encodeURIComponent('http://127.0.0.1:2/cb')}&resource=${encodeURIComponent(`${CLIENT}/mcp`)}&state=s%20t`, f, report));
    expect(query.get('redirect_uri')).toBe(`${CLIENT}/_as/callback/1`);
    expect(query.get('resource')).toBe('http://localhost:3000/mcp');
    expect(query.get('state')).toBe('s t');
    const form = new URLSearchParams(rewriteAsParams(`grant_type=authorization_code&code=x&redirect_uri=${encodeURIComponent('http://127.0.0.1:2/cb')}&audience=${encodeURIComponent(`${CLIENT}/mcp`)}`, f, report));
    expect(form.get('redirect_uri')).toBe(`${CLIENT}/_as/callback/1`);
    expect(form.get('audience')).toBe('http://localhost:3000/mcp');
    expect(report.limits).toEqual([]);
    // A JSON token request (some hosted ASes take one): its audience too; not its redirect URIs outside a registration.
    const json = JSON.parse(rewriteJsonBody(Buffer.from(JSON.stringify({ grant_type: 'client_credentials', audience: [`${CLIENT}/mcp`, 'https://api.example/'], redirect_uris: ['x'] })), false, f, report)!.toString());
    expect(json).toEqual({ grant_type: 'client_credentials', audience: ['http://localhost:3000/mcp', 'https://api.example/'], redirect_uris: ['x'] });
    // Nothing to change: undefined, the bytes go on as they were.
    expect(rewriteAsParams('grant_type=refresh_token&refresh_token=r', f, report)).toBeUndefined();
    expect(rewriteJsonBody(Buffer.from('{"grant_type":"refresh_token"}'), false, f, report)).toBeUndefined();
  });

  it('says why a redirect URI it never relayed (pre-registered, CIMD) comes back unseen', () => {
    const f = faces();
    const report: RequestRewrite = { changes: [], limits: [] };
    rewriteAsParams(`response_type=code&client_id=pre&redirect_uri=${encodeURIComponent('https://app.example/cb')}`, f, report);
    rewriteAsParams(`response_type=code&client_id=${encodeURIComponent('https://app.example/client.json')}&redirect_uri=${encodeURIComponent('https://app.example/cb')}`, f, report);
    expect(report.limits[0]).toContain('was not registered through the front door');
    expect(report.limits[1]).toContain('is a Client ID Metadata Document');
    expect(report.limits[1]).toContain('its iss stays https://as.example/');
  });

  it('sends the authorization response on with the issuer the client saw, code and state untouched', () => {
    const { location, change } = callbackLocation('http://127.0.0.1:1/cb?tab=2', '?code=abc&state=x%2By&iss=https%3A%2F%2Fas.example%2F', (iss) => iss.replace('https://as.example', `${CLIENT}/_as/0`));
    const url = new URL(location);
    expect(url.origin + url.pathname).toBe('http://127.0.0.1:1/cb');
    expect([...url.searchParams]).toEqual([['tab', '2'], ['code', 'abc'], ['state', 'x+y'], ['iss', `${CLIENT}/_as/0/`]]);
    expect(change).toBe(`iss https://as.example/ → ${CLIENT}/_as/0/ (the issuer the client saw)`);
    expect(callbackLocation('http://127.0.0.1:1/cb', '?error=access_denied&state=s', (iss) => iss).change).toBeUndefined();
  });
});
