import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { checkUpstreamUrl, clientOrigin, rewriteOrigin, upstreamOrigins } from '../../src/main/core/proxy/originRewrite';

const LOOPBACK = upstreamOrigins(new URL('http://127.0.0.1:3951'));
const CLIENT = 'https://abc.loca.lt';
const rewrite = (text: string, upstream = LOOPBACK, client = CLIENT) => rewriteOrigin(text, { upstream, client });
const request = (headers: IncomingMessage['headers']) => ({ headers }) as IncomingMessage;

describe('upstreamOrigins', () => {
  it.each(['http://localhost:3951', 'http://127.0.0.1:3951/', 'http://[::1]:3951'])('gives every loopback spelling for %s', (url) => {
    expect(upstreamOrigins(new URL(url))).toEqual(['http://localhost:3951', 'http://127.0.0.1:3951', 'http://[::1]:3951']);
  });

  it('keeps the scheme and leaves out a default port', () => {
    expect(upstreamOrigins(new URL('https://localhost/'))).toEqual(['https://localhost', 'https://127.0.0.1', 'https://[::1]']);
    expect(upstreamOrigins(new URL('http://localhost:80'))).toEqual(['http://localhost', 'http://127.0.0.1', 'http://[::1]']);
  });

  it('gives a non-loopback upstream its one origin', () => {
    expect(upstreamOrigins(new URL('https://mcp.example.com'))).toEqual(['https://mcp.example.com']);
    expect(upstreamOrigins(new URL('http://10.0.0.5:8080/'))).toEqual(['http://10.0.0.5:8080']);
    expect(upstreamOrigins(new URL('http://127.0.0.2:3951'))).toEqual(['http://127.0.0.2:3951']);
  });

  it('includes the base path of an upstream reached under one (the proxy forwards /x to /base/x)', () => {
    expect(upstreamOrigins(new URL('https://apps.example.com/base/'))).toEqual(['https://apps.example.com/base']);
    const base = upstreamOrigins(new URL('http://127.0.0.1:3951/base'));
    expect(rewrite('{"resource":"http://localhost:3951/base/mcp","authorization_servers":["http://localhost:3951/base"]}', base)).toBe(
      '{"resource":"https://abc.loca.lt/mcp","authorization_servers":["https://abc.loca.lt"]}',
    );
    // Not under the base path: left alone (the proxy cannot reach it).
    expect(rewrite('http://localhost:3951/basement http://localhost:3951/other http://localhost:3951/base_x', base)).toBe(
      'http://localhost:3951/basement http://localhost:3951/other http://localhost:3951/base_x',
    );
  });
});

describe('checkUpstreamUrl', () => {
  it('normalises an http(s) URL and says what to write instead of a bad one', () => {
    expect(checkUpstreamUrl('http://127.0.0.1:8001')).toBe('http://127.0.0.1:8001/');
    expect(checkUpstreamUrl('https://apps.example.com/base')).toBe('https://apps.example.com/base');
    expect(() => checkUpstreamUrl('localhost:8001')).toThrow('The upstream "localhost:8001" has no scheme: write http://localhost:8001 (or https://)');
    expect(() => checkUpstreamUrl('ftp://example.com', '--upstream')).toThrow('--upstream must use http or https, got "ftp:"');
    expect(() => checkUpstreamUrl('http://h/base/?k=v')).toThrow('must not carry a query or fragment ("?k=v")');
    expect(() => checkUpstreamUrl('http://exa mple.com')).toThrow('must be an absolute http(s) URL');
  });
});

describe('rewriteOrigin', () => {
  it('replaces every loopback spelling of the upstream', () => {
    expect(rewrite('http://localhost:3951/mcp http://127.0.0.1:3951/token http://[::1]:3951/register')).toBe(
      'https://abc.loca.lt/mcp https://abc.loca.lt/token https://abc.loca.lt/register',
    );
  });

  it('rewrites PRM and a WWW-Authenticate challenge', () => {
    const prm = JSON.stringify({ resource: 'http://localhost:3951/mcp', authorization_servers: ['http://localhost:3951'] });
    expect(JSON.parse(rewrite(prm))).toEqual({ resource: 'https://abc.loca.lt/mcp', authorization_servers: ['https://abc.loca.lt'] });
    expect(rewrite('Bearer resource_metadata="http://127.0.0.1:3951/.well-known/oauth-protected-resource/mcp"')).toBe(
      'Bearer resource_metadata="https://abc.loca.lt/.well-known/oauth-protected-resource/mcp"',
    );
  });

  it('rewrites the JSON-escaped form', () => {
    expect(rewrite('{"issuer":"http:\\/\\/localhost:3951","token_endpoint":"http:\\/\\/localhost:3951\\/token"}')).toBe(
      '{"issuer":"https:\\/\\/abc.loca.lt","token_endpoint":"https:\\/\\/abc.loca.lt\\/token"}',
    );
  });

  it.each([
    'http://localhost:39510/mcp',
    'http://localhost:3951.evil/mcp',
    'http://localhost:3951.evil.com',
    'http://127.0.0.1:39511',
    'http://localhost:3951-x',
    'http://localhost:3951:80',
    'http:\\/\\/localhost:39510\\/mcp',
    'http:\\/\\/localhost:3951.evil',
    'https://localhost:3951/mcp',
  ])('does not touch %s', (text) => {
    expect(rewrite(text)).toBe(text);
  });

  it('replaces an origin at the very end of the text and before punctuation', () => {
    expect(rewrite('http://localhost:3951')).toBe(CLIENT);
    expect(rewrite('<http://localhost:3951>; rel="x", "http://localhost:3951"')).toBe(`<${CLIENT}>; rel="x", "${CLIENT}"`);
    expect(rewrite('http://localhost:3951?x=1#y')).toBe(`${CLIENT}?x=1#y`);
  });

  it('does not let a portless origin swallow a longer host', () => {
    const upstream = upstreamOrigins(new URL('https://mcp.example.com'));
    const pair = (text: string) => rewrite(text, upstream, 'http://127.0.0.1:7000');
    expect(pair('https://mcp.example.com/mcp')).toBe('http://127.0.0.1:7000/mcp');
    expect(pair('https://mcp.example.com.attacker.net/x')).toBe('https://mcp.example.com.attacker.net/x');
    expect(pair('https://mcp.example.com:8443/x')).toBe('https://mcp.example.com:8443/x');
    expect(pair('https://mcp.example.comx')).toBe('https://mcp.example.comx');
  });

  it('leaves a spelling alone when it is the client origin itself', () => {
    // The client reached the proxy as 127.0.0.1:3951: the other spellings still become that.
    expect(rewrite('http://127.0.0.1:3951/a http://localhost:3951/b', LOOPBACK, 'http://127.0.0.1:3951')).toBe('http://127.0.0.1:3951/a http://127.0.0.1:3951/b');
  });

  it('does not rewrite what it has already rewritten', () => {
    // The client origin is one port longer than the upstream: a second pass would not match it.
    expect(rewrite('http://localhost:3951/mcp', LOOPBACK, 'http://localhost:39510')).toBe('http://localhost:39510/mcp');
  });

  it('leaves other hosts alone', () => {
    const text = 'https://claude.ai/api/mcp/auth_callback http://localhost:6274/oauth/callback';
    expect(rewrite(text)).toBe(text);
  });
});

describe('clientOrigin', () => {
  it('uses the Host header, over http', () => {
    expect(clientOrigin(request({ host: '127.0.0.1:4000' }))).toBe('http://127.0.0.1:4000');
  });

  it('uses a tunnel’s forwarded host and proto', () => {
    expect(clientOrigin(request({ host: '127.0.0.1:4000', 'x-forwarded-host': 'abc.loca.lt', 'x-forwarded-proto': 'https' }))).toBe('https://abc.loca.lt');
  });

  it('takes the first of a list of forwarded values, trimmed', () => {
    expect(clientOrigin(request({ host: 'h', 'x-forwarded-host': ' abc.loca.lt , inner.proxy', 'x-forwarded-proto': 'https, http' }))).toBe('https://abc.loca.lt');
  });

  it('keeps the Host when only the proto is forwarded, and http for an unknown proto', () => {
    expect(clientOrigin(request({ host: 'example.test:8080', 'x-forwarded-proto': 'https' }))).toBe('https://example.test:8080');
    expect(clientOrigin(request({ host: 'example.test', 'x-forwarded-proto': 'javascript' }))).toBe('http://example.test');
  });

  it('ignores an empty forwarded host and falls back without a Host', () => {
    expect(clientOrigin(request({ host: 'h:1', 'x-forwarded-host': '' }))).toBe('http://h:1');
    expect(clientOrigin(request({}))).toBe('http://127.0.0.1');
  });
});
