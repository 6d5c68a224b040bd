import { createRequire } from 'node:module';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Exchange, HttpHeaders } from '../../src/shared/exchange';
import { bodyRecord } from '../../src/main/core/wire/body';
import { fromHar, toHar, type Har } from '../../src/main/core/recorder/har';
import { isRedacted, REDACTED, REDACTED_FORM_PARAMS, redactJsonText, redactUrl, REDACTED_HEADERS, REDACTED_JSON_KEYS, REDACTED_URL_PARAMS, REDACTION_RULES, UNREADABLE_BODY } from '../../src/main/core/recorder/redact';
import { Recorder } from '../../src/main/core/recorder/recorder';

// har-validator ships no types; it validates against the HAR 1.2 JSON schema (har-schema).
const harValidator = createRequire(import.meta.url)('har-validator') as { har(data: unknown): Promise<unknown> };

async function expectValidHar(har: Har): Promise<void> {
  try {
    await harValidator.har(JSON.parse(JSON.stringify(har)));
  } catch (err) {
    throw new Error(`HAR failed schema validation: ${JSON.stringify((err as { errors?: unknown }).errors, null, 2)}`);
  }
}

const text = (s: string) => bodyRecord(Buffer.from(s));
const roundTrip = (exchanges: Exchange[]) => fromHar(JSON.parse(JSON.stringify(toHar(exchanges, { redact: false, creatorVersion: '0.1.0' }))));

/** A varied session recorded through a real Recorder, plus the fields rules and the simulator set. */
function recordSession(): Exchange[] {
  const recorder = new Recorder();

  const prm = recorder.start({ method: 'GET', url: '/.well-known/oauth-protected-resource/mcp', httpVersion: '1.1', headers: { host: 'inspector.test:7420', 'x-forwarded-proto': 'https', 'user-agent': 'Claude-User' }, address: '10.0.0.2' });
  prm.requestComplete(undefined);
  prm.ruleApplied({ ruleId: 'prm-404', explanation: 'Answers 404 to path-suffixed PRM' });
  prm.responseStarted(
    { status: 404, statusMessage: 'Not Found', headers: { 'content-type': 'application/json', 'set-cookie': ['a=1; Path=/'] } },
    { status: 200, statusMessage: 'OK', headers: { 'content-type': 'application/json' } },
  );
  prm.complete(text('{"error":"not_found"}'), text('{"resource":"https://inspector.test/mcp"}'));

  const init = recorder.start({ method: 'POST', url: '/mcp?x=1&y=two', httpVersion: '1.1', headers: { host: 'inspector.test', 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'x-dup': ['one', 'two'] }, simulated: true });
  init.requestComplete(text('{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","clientInfo":{"name":"claude-ai","version":"0.1.0"},"capabilities":{}}}'));
  init.responseStarted({ status: 200, headers: { 'content-type': 'text/event-stream', 'mcp-session-id': 'sess-42' } });
  init.firstByte();
  init.sseEvent({ kind: 'comment', comment: 'ping' });
  init.sseEvent({ kind: 'event', event: 'message', id: 'ev-1', retry: 3000, data: '{"jsonrpc":"2.0","id":1,"result":{"protocolVersion":"2025-06-18"}}' });
  init.complete(text('event: message\ndata: {"jsonrpc":"2.0","id":1,"result":{}}\n\n'));
  init.exchange.connectionId = 'conn-1';

  const upload = recorder.start({ method: 'PUT', url: '/blob', httpVersion: '1.1', headers: { host: 'inspector.test', 'content-type': 'application/octet-stream' }, replayOf: prm.exchange.id });
  const binary = bodyRecord(Buffer.from([0xff, 0x00, 0x81, 0xfe, 0x10, 0x80]));
  expect(binary.encoding).toBe('base64');
  upload.requestComplete(binary);
  upload.responseStarted({ status: 200, statusMessage: 'OK', headers: { 'content-type': 'image/png' } });
  upload.complete({ ...bodyRecord(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0xff, 0xfe])), size: 5_000_000, truncated: true });

  const refused = recorder.start({ method: 'GET', url: 'http://elsewhere.test/absolute-form', httpVersion: '1.0', headers: {} });
  refused.requestComplete(undefined);
  refused.fail('upstream-refused', 'connect ECONNREFUSED 127.0.0.1:9');

  const empty = recorder.start({ method: 'POST', url: '/token', httpVersion: '1.1', headers: { host: 'inspector.test', 'content-type': 'application/x-www-form-urlencoded' } });
  empty.requestComplete(text(''));
  empty.responseStarted({ status: 400, headers: { 'content-type': 'application/json' } });
  empty.complete(undefined);

  return recorder.list();
}

describe('HAR export', () => {
  it('builds standard HAR 1.2 entries that pass the schema', async () => {
    const exchanges = recordSession();
    const har = toHar(exchanges, { redact: false, creatorVersion: '0.1.0' });
    await expectValidHar(har);
    await expectValidHar(toHar(exchanges));
    expect(har.log.version).toBe('1.2');
    expect(har.log.creator).toEqual({ name: 'MCP Handshake Inspector', version: '0.1.0' });

    const [prm, init, upload, refused] = har.log.entries;
    expect(prm!.request.url).toBe('https://inspector.test:7420/.well-known/oauth-protected-resource/mcp');
    expect(prm!.startedDateTime).toBe(new Date(exchanges[0]!.startedAt).toISOString());
    expect(prm!.response.status).toBe(404);
    expect(prm!._upstreamResponse!.status).toBe(200);
    expect(prm!._appliedRules).toEqual([{ ruleId: 'prm-404', explanation: 'Answers 404 to path-suffixed PRM' }]);
    expect(init!.request.url).toBe('http://inspector.test/mcp?x=1&y=two');
    expect(init!.request.httpVersion).toBe('HTTP/1.1');
    expect(init!.request.queryString).toEqual([{ name: 'x', value: '1' }, { name: 'y', value: 'two' }]);
    expect(init!.request.headers.filter((h) => h.name === 'x-dup')).toEqual([{ name: 'x-dup', value: 'one' }, { name: 'x-dup', value: 'two' }]);
    expect(init!.request.postData).toMatchObject({ mimeType: 'application/json', text: expect.stringContaining('initialize') });
    expect(init!._sseEvents).toEqual(exchanges[1]!.sseEvents);
    expect(init!._simulated).toBe(true);
    expect(upload!.request.postData).toEqual({ mimeType: 'application/octet-stream', text: Buffer.from([0xff, 0x00, 0x81, 0xfe, 0x10, 0x80]).toString('base64'), _encoding: 'base64' });
    expect(upload!.response.content).toMatchObject({ encoding: 'base64', size: 5_000_000, _truncated: true, mimeType: 'image/png' });
    expect(refused!.response.status).toBe(0);
    expect(refused!._error).toEqual({ kind: 'upstream-refused', message: 'connect ECONNREFUSED 127.0.0.1:9' });

    for (const entry of har.log.entries) {
      const { send, wait, receive } = entry.timings;
      for (const t of [send, wait, receive, entry.time]) expect(t).toBeGreaterThanOrEqual(0);
      expect(send + wait + receive).toBeCloseTo(entry.time, 2);
    }
  });

  it('puts the Location header in redirectURL', () => {
    const recorder = new Recorder();
    const r = recorder.start({ method: 'GET', url: '/authorize?client_id=c', httpVersion: '1.1', headers: { host: 'as.test' } });
    r.requestComplete(undefined);
    r.responseStarted({ status: 302, headers: { location: 'https://client.test/cb?state=s' } });
    r.complete(undefined);
    expect(toHar(recorder.list()).log.entries[0]!.response.redirectURL).toBe('https://client.test/cb?state=s');
  });

  it('round-trips its own export without loss (redact: false)', () => {
    const exchanges = recordSession();
    const before = structuredClone(exchanges);
    expect(roundTrip(exchanges)).toEqual(exchanges);
    expect(exchanges).toEqual(before);
    // Header names keep their case in our own files.
    const mixed = { ...exchanges[1]!, request: { ...exchanges[1]!.request, headers: { 'X-Mixed-Case': 'v', 'set-cookie': [] as string[] } } };
    expect(roundTrip([mixed])).toEqual([mixed]);
  });
});

/** Secrets all carry this marker, so one search over the serialised HAR finds any leak. */
const S = 'SeCrEt';

function exchangeWith(request: { method?: string; url?: string; headers?: HttpHeaders; body?: string | Buffer }, response?: { status?: number; headers?: HttpHeaders; body?: string | Buffer }): Exchange {
  const recorder = new Recorder();
  const r = recorder.start({ method: request.method ?? 'POST', url: request.url ?? '/', httpVersion: '1.1', headers: { host: 'as.test', ...request.headers } });
  r.requestComplete(request.body === undefined ? undefined : typeof request.body === 'string' ? text(request.body) : bodyRecord(request.body));
  if (response) {
    r.responseStarted({ status: response.status ?? 200, headers: response.headers ?? {} }, { status: response.status ?? 200, headers: response.headers ?? {} });
    const body = response.body === undefined ? undefined : typeof response.body === 'string' ? text(response.body) : bodyRecord(response.body);
    r.complete(body, body);
  }
  return r.exchange;
}

describe('HAR redaction', () => {
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  const json = { 'content-type': 'application/json' };

  function session(): Exchange[] {
    const recorder = new Recorder();
    const mcp = recorder.start({
      method: 'POST',
      url: `/mcp?access_token=${S}-q-at&token=${S}-q-t&page=2`,
      httpVersion: '1.1',
      headers: { host: 'mcp.test', authorization: `Bearer ${S}-bearer`, 'proxy-authorization': `Basic ${S}-proxy`, 'x-api-key': `${S}-apikey`, cookie: `sid=${S}-cookie; theme=${S}-theme`, 'mcp-session-id': 'session-keep-me', 'content-type': 'application/json' },
    });
    mcp.requestComplete(text('{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"login","arguments":{"password":"' + S + '-json-pw","user":"alice"}}}'));
    mcp.responseStarted({ status: 200, headers: { 'content-type': 'text/event-stream' } });
    mcp.sseEvent({ kind: 'event', event: 'message', data: `{"jsonrpc":"2.0","id":7,"result":{"structuredContent":{"access_token":"${S}-sse-at","expires_in":60}}}` });
    mcp.sseEvent({ kind: 'event', data: '{"jsonrpc":"2.0","id":8,"error":{"code":-32601,"message":"Method not found"}}' });
    mcp.complete(text(`event: message\ndata: {"access_token":"${S}-sse-body"}\n\n`));

    return [
      mcp.exchange,
      exchangeWith(
        { url: '/token', headers: { ...form, authorization: `Basic ${S}-basic` }, body: `grant_type=authorization_code&code=${S}-f-code&code_verifier=${S}-f-verifier&client_id=public-client&client_secret=${S}-f-secret&redirect_uri=https%3A%2F%2Fclient.test%2Fcb` },
        { headers: { ...json, 'set-cookie': [`session=${S}-setcookie; Path=/; HttpOnly`] }, body: `{"access_token":"${S}-at","token_type":"Bearer","refresh_token":"${S}-rt","id_token":"${S}-idt","expires_in":3600,"scope":"mcp"}` },
      ),
      exchangeWith({ url: '/token', headers: form, body: `grant_type=password&username=alice&password=${S}-f-pw&assertion=${S}-f-assertion&refresh_token=${S}-f-rt&access_token=${S}-f-at` }),
      exchangeWith(
        { url: '/register', headers: json, body: '{"redirect_uris":["https://client.test/cb"],"client_name":"Claude"}' },
        { status: 201, headers: json, body: `{"client_id":"client-123","client_secret":"${S}-dcr","nested":[{"code":"${S}-j-code","code_verifier":"${S}-j-verifier"}]}` },
      ),
      exchangeWith({ method: 'GET', url: `/callback?code=${S}-cb-code&state=state-keep-me` }, { status: 302, headers: { location: `https://client.test/cb?code=${S}-loc-code&state=state-keep-me` } }),
      // Compressed bodies are recorded as raw bytes; the export must still not leak them.
      exchangeWith({ url: '/token', headers: form, body: 'grant_type=client_credentials' }, { headers: { ...json, 'content-encoding': 'gzip' }, body: gzipSync(`{"access_token":"${S}-gzip","expires_in":1}`) }),
    ];
  }

  it('removes every listed secret from the serialised HAR and keeps the rest', async () => {
    const exchanges = session();
    const before = structuredClone(exchanges);
    const har = toHar(exchanges);
    await expectValidHar(har);
    const serialised = JSON.stringify(har);
    // Every secret got its own pseudonym (these are all different values); what stands around them is compared below.
    expect(new Set(serialised.match(/\[redacted:\d+\]/g)).size).toBe(28);
    const plain = (text: string) => text.replace(/\[redacted:\d+\]/g, REDACTED);
    const leaks = serialised.match(new RegExp(`${S}[-\\w]*`, 'g'));
    expect(leaks).toBeNull();

    // Useful non-secrets survive.
    for (const kept of ['Bearer [redacted]', 'Basic [redacted]', 'session-keep-me', 'state-keep-me', 'client-123', 'public-client', '\\"expires_in\\":3600', 'page=2', 'sid=[redacted]; theme=[redacted]', 'session=[redacted]; Path=/; HttpOnly', '\\"code\\":-32601', '\\"user\\":\\"alice\\"', 'username=alice', 'grant_type=authorization_code']) {
      expect(plain(serialised)).toContain(kept);
    }
    const [mcp, token, , , callback, gzipped] = har.log.entries;
    expect(plain(mcp!.request.url)).toBe('http://mcp.test/mcp?access_token=[redacted]&token=[redacted]&page=2');
    expect(mcp!.request.headers).toContainEqual({ name: 'x-api-key', value: expect.stringMatching(/^\[redacted:\d+\]$/) });
    expect(token!.response.redirectURL).toBe('');
    expect(plain(callback!.response.redirectURL)).toBe('https://client.test/cb?code=[redacted]&state=state-keep-me');
    expect(plain(gzipped!.response.content.text!)).toBe('{"access_token":"[redacted]","expires_in":1}');
    // The exchanges themselves are untouched.
    expect(exchanges).toEqual(before);
    expect(JSON.stringify(exchanges)).toContain(`${S}-bearer`);
  });

  it('redacts every name in the published lists', () => {
    const exchanges = [
      ...REDACTED_HEADERS.map((name) => exchangeWith({ headers: { [name]: `Scheme ${S}-${name}` } }, { headers: { [name]: `n=${S}-${name}` } })),
      ...REDACTED_FORM_PARAMS.map((name) => exchangeWith({ headers: form, body: `keep=1&${name}=${S}-${name}` })),
      ...REDACTED_JSON_KEYS.map((name) => exchangeWith({ headers: json, body: JSON.stringify({ deep: { [name]: `${S}-${name}` } }) })),
      ...REDACTED_URL_PARAMS.map((name) => exchangeWith({ method: 'GET', url: `/x?${name}=${S}-${name}` }, { status: 302, headers: { location: `https://c.test/#${name}=${S}-${name}-fragment` } })),
    ];
    expect(JSON.stringify(toHar(exchanges))).not.toContain(S);
    expect(JSON.stringify(toHar(exchanges, { redact: false }))).toContain(S);
    expect(REDACTION_RULES.map((r) => r.where)).toEqual(['header', 'form-param', 'json-key', 'url-param']);
  });

  it('finds credentials off the usual paths: custom headers, a form under another type, bytes that are not UTF-8', () => {
    const latin1Form = Buffer.concat([Buffer.from(`grant_type=authorization_code&code=${S}-l1-code&client_secret=${S}-l1-secret&client_name=Caf`), Buffer.from([0xe9])]);
    const exchanges = [
      exchangeWith({ headers: { 'x-auth-token': `${S}-xauth`, 'api-key': `${S}-apikey`, 'x-amz-security-token': `${S}-amz`, 'mcp-session-id': 'session-keep-me', 'www-authenticate': 'Bearer realm="keep"' } }),
      exchangeWith({ url: '/token', headers: { 'content-type': 'text/plain' }, body: `grant_type=refresh_token&refresh_token=${S}-plain-rt` }),
      exchangeWith({ url: '/token', headers: form, body: latin1Form }),
    ];
    const serialised = JSON.stringify(toHar(exchanges));
    expect(serialised.match(new RegExp(`${S}[-\\w]*`, 'g'))).toBeNull();
    for (const kept of ['session-keep-me', 'Bearer realm=\\"keep\\"', 'grant_type=refresh_token']) expect(serialised).toContain(kept);
    const [, , latin1] = toHar(exchanges).log.entries;
    // Compact JSON with `=` in a value (base64 padding, a URL's query) is still JSON.
    const compact = exchangeWith({ url: '/token', headers: form, body: 'grant_type=client_credentials' }, { headers: json, body: `{"access_token":"${S}-eyJhbGciOi==","resource":"http://h/mcp?x=1"}` });
    const prefixed = exchangeWith({ headers: { 'x-authorization': `Bearer ${S}-xa`, 'x-mcp-authorization': `${S}-xma`, x_api_key: `${S}-underscore` } });
    const zstd = exchangeWith({ url: '/token', headers: form, body: 'grant_type=client_credentials' }, { headers: { ...json, 'content-encoding': 'zstd' }, body: Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x01, 0x02]) });
    const more = toHar([compact, prefixed, zstd]);
    expect(JSON.stringify(more)).not.toContain(S);
    expect(JSON.stringify(more)).toContain('"resource\\":\\"http://h/mcp?x=1\\"');
    expect(more.log.entries[1]!.request.headers).toContainEqual({ name: 'x-authorization', value: 'Bearer [redacted:2]' });
    expect(more.log.entries[2]!.response.content.text).toBe(UNREADABLE_BODY);

    // Token exchange and device flow, camelCase keys, API keys in URLs, JSON inside a JSON string, a resources/read URI.
    const wider = [
      exchangeWith({ url: '/token', headers: form, body: `grant_type=urn:ietf:params:oauth:grant-type:token-exchange&subject_token=${S}-st&actor_token=${S}-at&device_code=${S}-dc` }),
      exchangeWith({ url: '/x', headers: json, body: JSON.stringify({ accessToken: `${S}-camel`, apiKey: `${S}-apikey`, token: `${S}-token`, nested: JSON.stringify({ access_token: `${S}-nested` }) }) }),
      exchangeWith({ method: 'GET', url: `/x?api_key=${S}-q1&key=${S}-q2&page=2`, headers: { authentication: `${S}-authn` } }, { status: 200, headers: { 'content-location': `/y?token=${S}-cl` } }),
      exchangeWith({ url: '/mcp', headers: json, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'resources/read', params: { uri: `https://files.test/doc?access_token=${S}-uri` } }) }),
    ];
    const widerHar = JSON.stringify(toHar(wider));
    expect(widerHar.match(new RegExp(`${S}[-\\w]*`, 'g'))).toBeNull();
    expect(widerHar).toContain('page=2');
    // Every byte but the secrets is kept: the é is still one byte 0xE9.
    const sent = Buffer.from(latin1!.request.postData!.text!, 'base64');
    expect(sent.toString('latin1')).toBe('grant_type=authorization_code&code=[redacted:5]&client_secret=[redacted:6]&client_name=Caf\xe9');
  });

  it('names one secret by one pseudonym wherever it travels in the export, and two secrets by two', () => {
    const token = `${S}-issued`;
    const issue = exchangeWith(
      { url: '/token', headers: form, body: `grant_type=authorization_code&code=${S}-code%2Bplus&code_verifier=${S}-verifier&client_id=c1` },
      { headers: json, body: JSON.stringify({ access_token: token, token_type: 'Bearer', refresh_token: `${S}-rt` }) },
    );
    const redirect = exchangeWith({ method: 'GET', url: '/authorize?client_id=c1' }, { status: 302, headers: { location: `https://client.test/cb?code=${S}-code%2Bplus&state=s` } });
    const call = exchangeWith({ headers: { ...json, authorization: `Bearer ${token}` }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }) });
    const other = exchangeWith({ headers: { ...json, authorization: `Bearer ${S}-another` }, body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }) });
    const har = toHar([issue, redirect, call, other]);
    const serialised = JSON.stringify(har);
    expect(serialised).not.toContain(S);
    const [issued, redirected, called, another] = har.log.entries;
    const pseudonym = (JSON.parse(issued!.response.content.text!) as { access_token: string }).access_token;
    expect(pseudonym).toMatch(/^\[redacted:\d+\]$/);
    expect(called!.request.headers).toContainEqual({ name: 'authorization', value: `Bearer ${pseudonym}` });
    expect(another!.request.headers).not.toContainEqual({ name: 'authorization', value: `Bearer ${pseudonym}` });
    // The code the redirect carried (URL-escaped) is the code the token request sent (form-escaped).
    const code = new URLSearchParams(issued!.request.postData!.text!).get('code');
    expect(new URL(redirected!.response.redirectURL).searchParams.get('code')).toBe(code);
    // Numbered per export: a second export of the same exchanges says the same, another file starts again at 1.
    expect(JSON.stringify(toHar([issue, redirect, call, other]))).toBe(serialised);
    expect(toHar([other]).log.entries[0]!.request.headers).toContainEqual({ name: 'authorization', value: 'Bearer [redacted:1]' });
  });

  it('keeps a token’s JOSE header in front of its pseudonym (how it is made, not what it grants), so lint still reads it', () => {
    const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const header = b64({ alg: 'dir', enc: 'A256GCM' });
    const jwe = `${header}..${S}-iv.${S}-ciphertext.${S}-tag`;
    const issue = exchangeWith({ url: '/token', headers: form, body: 'grant_type=authorization_code&code=c' }, { headers: json, body: JSON.stringify({ access_token: jwe, token_type: 'Bearer' }) });
    const call = exchangeWith({ headers: { ...json, authorization: `Bearer ${jwe}` }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }) });
    const har = toHar([issue, call]);
    expect(JSON.stringify(har)).not.toContain(S);
    const pseudonym = (JSON.parse(har.log.entries[0]!.response.content.text!) as { access_token: string }).access_token;
    expect(pseudonym).toMatch(new RegExp(`^${header}\\.\\[redacted:\\d+\\]$`));
    expect(har.log.entries[1]!.request.headers).toContainEqual({ name: 'authorization', value: `Bearer ${pseudonym}` });
    expect(isRedacted(pseudonym)).toBe(true);
    // A value that only looks like a token (not three or five base64url parts) is a pseudonym alone.
    expect((JSON.parse(toHar([exchangeWith({ url: '/token', headers: form, body: 'grant_type=x' }, { headers: json, body: JSON.stringify({ access_token: 'eyJ.not a token' }) })]).log.entries[0]!.response.content.text!) as { access_token: string }).access_token).toBe('[redacted:1]');
  });
});

describe('HAR import of odd logs', () => {
  it('gives the second copy of a repeated id an id of its own, so nothing is lost', () => {
    const exchange = exchangeWith({ url: '/mcp', headers: { 'content-type': 'application/json' }, body: '{"jsonrpc":"2.0","id":1,"method":"ping"}' });
    const har = toHar([exchange], { redact: false });
    const doubled = { log: { ...har.log, entries: [...har.log.entries, ...har.log.entries] } };
    const imported = fromHar(JSON.parse(JSON.stringify(doubled)));
    expect(imported).toHaveLength(2);
    expect(new Set(imported.map((e) => e.id)).size).toBe(2);
    expect(imported[0]!.id).toBe(exchange.id);
  });

  it('exports OPTIONS * as a valid HAR and brings the * back', async () => {
    const star = exchangeWith({ method: 'OPTIONS', url: '*' });
    const har = toHar([star], { redact: false });
    await expectValidHar(har);
    expect(har.log.entries[0]!.request.url).toBe('http://as.test/*');
    expect(fromHar(JSON.parse(JSON.stringify(har)))[0]!.request.url).toBe('*');
  });

  it('counts a foreign request body whose bodySize says 0', () => {
    const [entry] = toHar([exchangeWith({ url: '/token', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' })], { redact: false }).log.entries;
    const foreign = { ...entry!, _id: undefined, _classification: undefined, request: { ...entry!.request, bodySize: 0 } };
    const [imported] = fromHar({ log: { version: '1.2', creator: { name: 'devtools', version: '1' }, entries: [foreign] } });
    expect(imported!.request.body?.size).toBe('grant_type=client_credentials'.length);
  });
});

describe('redaction helpers', () => {
  it('replaces secret JSON string values only, keeping the text around them', () => {
    const json = '{ "access_token" : "abc",\n  "code": -32600, "list": [{"acc\\u0065ss_token":"x\\"y"}], "note": "code", "password": "cut-off';
    expect(redactJsonText(json)).toBe('{ "access_token" : "[redacted]",\n  "code": -32600, "list": [{"acc\\u0065ss_token":"[redacted]"}], "note": "code", "password": "[redacted]"');
    expect(redactJsonText('not json at all "code"')).toBe('not json at all "code"');
  });

  it('redacts URL query and fragment parameters by decoded name, keeping state and encoding', () => {
    expect(redactUrl('/cb?code=abc&state=xyz&redirect_uri=https%3A%2F%2Fa.test')).toBe('/cb?code=[redacted]&state=xyz&redirect_uri=https%3A%2F%2Fa.test');
    expect(redactUrl('https://c.test/cb#access%5Ftoken=abc&token_type=Bearer')).toBe('https://c.test/cb#access%5Ftoken=[redacted]&token_type=Bearer');
    expect(redactUrl('/plain')).toBe('/plain');
  });
});

describe('HAR import', () => {
  /** Shaped like a Chrome DevTools "Save all as HAR" export (HTTP/2, no `_` fields of ours). */
  const chromeHar = {
    log: {
      version: '1.2',
      creator: { name: 'WebInspector', version: '537.36' },
      pages: [],
      entries: [
        {
          _initiator: { type: 'script' },
          _priority: 'High',
          _resourceType: 'fetch',
          cache: {},
          connection: '443',
          request: {
            method: 'GET',
            url: 'https://mcp.example.com/.well-known/oauth-protected-resource',
            httpVersion: 'http/2.0',
            headers: [
              { name: ':authority', value: 'mcp.example.com' },
              { name: ':method', value: 'GET' },
              { name: 'Accept', value: 'application/json' },
              { name: 'User-Agent', value: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0.0.0 Safari/537.36' },
            ],
            queryString: [],
            cookies: [],
            headersSize: -1,
            bodySize: 0,
          },
          response: {
            status: 200,
            statusText: '',
            httpVersion: 'http/2.0',
            headers: [
              { name: 'Content-Type', value: 'application/json' },
              { name: 'Set-Cookie', value: 'a=1' },
            ],
            cookies: [],
            content: { size: 74, mimeType: 'application/json', text: '{"resource":"https://mcp.example.com/mcp","authorization_servers":["https://as.example.com"]}' },
            redirectURL: '',
            headersSize: -1,
            bodySize: -1,
            _transferSize: 300,
            _error: null,
          },
          serverIPAddress: '203.0.113.5',
          startedDateTime: '2026-11-24T14:03:00.123Z',
          time: 42.5,
          timings: { blocked: 2.5, dns: -1, ssl: -1, connect: -1, send: 0.5, wait: 35, receive: 4.5, _blocked_queueing: 1.2 },
        },
        {
          cache: {},
          request: {
            method: 'POST',
            url: 'https://mcp.example.com/mcp',
            httpVersion: 'HTTP/1.1',
            headers: [
              { name: 'Host', value: 'mcp.example.com' },
              { name: 'Content-Type', value: 'application/json' },
            ],
            queryString: [],
            cookies: [],
            headersSize: -1,
            bodySize: 120,
            postData: { mimeType: 'application/json', text: '{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","clientInfo":{"name":"claude-code","version":"2.0.1"}}}' },
          },
          response: {
            status: 200,
            statusText: 'OK',
            httpVersion: 'HTTP/1.1',
            headers: [{ name: 'content-type', value: 'text/event-stream' }],
            cookies: [],
            content: { size: 60, mimeType: 'text/event-stream', text: 'event: message\ndata: {"jsonrpc":"2.0","id":0,"result":{}}\n\n' },
            redirectURL: '',
            headersSize: -1,
            bodySize: -1,
          },
          startedDateTime: '2026-11-24T14:03:01.000Z',
          time: 10,
          timings: { send: 1, wait: 8, receive: 1 },
        },
        {
          cache: {},
          request: { method: 'GET', url: 'https://down.example.com/mcp', httpVersion: '', headers: [], queryString: [], cookies: [], headersSize: -1, bodySize: 0 },
          response: { status: 0, statusText: '', httpVersion: '', headers: [], cookies: [], content: { size: 0, mimeType: 'x-unknown' }, redirectURL: '', headersSize: -1, bodySize: -1, _error: 'net::ERR_CONNECTION_REFUSED' },
          startedDateTime: '2026-11-24T14:03:02.000Z',
          time: 3,
          timings: { blocked: 3, send: 0, wait: 0, receive: 0 },
        },
      ],
    },
  };

  it('classifies a foreign HAR as the recorder would', () => {
    const [prm, init, down] = fromHar(chromeHar);
    expect(prm!.classification).toMatchObject({ phase: 'discovery', discovery: 'protected-resource-root' });
    expect(prm!.request).toMatchObject({ method: 'GET', url: '/.well-known/oauth-protected-resource', httpVersion: '2.0' });
    expect(prm!.request.headers).toMatchObject({ accept: 'application/json', host: 'mcp.example.com' });
    expect(prm!.client.family).toBe('browser');
    expect(prm!.startedAt).toBe(Date.parse('2026-11-24T14:03:00.123Z'));
    expect(prm!.timings).toEqual({ requestEnd: 3, upstreamHeaders: 38, end: 42.5 });
    expect(prm!.state).toBe('complete');
    expect(prm!.response).toMatchObject({ status: 200, headers: { 'content-type': 'application/json', 'set-cookie': ['a=1'] }, body: { encoding: 'utf8', size: 74 } });
    expect(prm!.response!.statusMessage).toBeUndefined();

    expect(init!.classification).toMatchObject({ phase: 'jsonrpc', label: 'initialize', stream: 'post-response' });
    expect(init!.client.family).toBe('claude-code');
    expect(init!.request.body).toMatchObject({ size: 120, encoding: 'utf8' });
    expect(init!.sseEvents).toEqual([{ index: 0, at: 9, kind: 'event', event: 'message', data: '{"jsonrpc":"2.0","id":0,"result":{}}' }]);

    expect(down).toMatchObject({ state: 'failed', error: { kind: 'proxy-error', message: 'net::ERR_CONNECTION_REFUSED' } });
    expect(down!.response).toBeUndefined();
    expect(new Set([prm!.id, init!.id, down!.id]).size).toBe(3);
  });

  it('re-exports an imported foreign HAR as valid HAR', async () => {
    await expectValidHar(toHar(fromHar(chromeHar)));
  });

  it.each([
    [null, /^Not a HAR file: expected a JSON object/],
    ['{"log":{}}', /^Not a HAR file: expected a JSON object/],
    [[], /^Not a HAR file: expected a JSON object/],
    [{}, /^Not a HAR file: no "log" object/],
    [{ log: {} }, /^Not a HAR file: "log.entries" is not an array/],
    [{ log: { entries: {} } }, /^Not a HAR file: "log.entries" is not an array/],
    [{ log: { entries: [42] } }, /^Not a HAR file: entry 0 is not an object/],
    [{ log: { entries: [{ response: {} }] } }, /^Not a HAR file: entry 0 has no request/],
    [{ log: { entries: [{ request: { method: 'GET' } }] } }, /^Not a HAR file: entry 0 has no request method or URL/],
  ])('rejects %j', (input, message) => {
    expect(() => fromHar(input)).toThrow(message);
  });
});
