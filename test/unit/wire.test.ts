import { gzipSync } from 'node:zlib';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { decodeText, hasBody, readPrefix, streamDecoder } from '../../src/main/core/wire/body';
import { HOP_BY_HOP, lowerKeys } from '../../src/main/core/wire/headers';
import { isJsonDocument } from '../../src/main/core/wire/json';
import { isSendableTarget, originForm, requestPath } from '../../src/main/core/wire/paths';
import { checkHttpUrl, isHttpUrl } from '../../src/main/core/wire/url';

describe('wire/url: the one absolute http(s) URL check', () => {
  it('accepts http and https URLs, says what is wrong with others', () => {
    expect(checkHttpUrl('https://example.com/mcp')).toEqual({ url: new URL('https://example.com/mcp') });
    expect(checkHttpUrl('example.com/mcp')).toEqual({ problem: 'not-a-url' });
    expect(checkHttpUrl('ftp://example.com/')).toEqual({ problem: 'scheme', scheme: 'ftp:' });
    expect(checkHttpUrl('javascript:alert(1)')).toEqual({ problem: 'scheme', scheme: 'javascript:' });
  });

  it('isHttpUrl: a metadata-document client id is one, an opaque id or a broken URL is not', () => {
    expect(isHttpUrl('https://claude.ai/oauth/mcp-oauth-client-metadata')).toBe(true);
    expect(isHttpUrl('HTTP://localhost:3000/cb')).toBe(true);
    expect(isHttpUrl('3f1c9a0e-client')).toBe(false);
    expect(isHttpUrl('https://[not-an-address')).toBe(false);
    expect(isHttpUrl('cursor://anysphere.cursor-mcp/oauth/callback')).toBe(false);
  });
});

describe('wire/paths', () => {
  it('originForm takes the path and query of any request target, keeps *', () => {
    expect(originForm('http://host:1/a/b?c=d')).toBe('/a/b?c=d');
    expect(originForm('/a//b')).toBe('/a//b');
    expect(originForm('a')).toBe('/a');
    expect(originForm('*')).toBe('*');
    expect(requestPath('/mcp?session=1')).toBe('/mcp');
  });

  it('isSendableTarget refuses what a request line cannot carry', () => {
    expect(isSendableTarget('/a//b?x=%20')).toBe(true);
    expect(isSendableTarget('/a b')).toBe(false);
    expect(isSendableTarget('/a\r\nX-Injected: 1')).toBe(false);
  });
});

describe('wire/headers and json', () => {
  it('hop-by-hop headers are the connection-level ones', () => {
    for (const name of ['connection', 'transfer-encoding', 'host', 'content-length', 'expect']) expect(HOP_BY_HOP.has(name)).toBe(true);
    expect(HOP_BY_HOP.has('authorization')).toBe(false);
    expect(lowerKeys({ 'X-A': '1', b: '2' })).toEqual({ 'x-a': '1', b: '2' });
  });

  it('isJsonDocument: JSON and +json documents, not NDJSON', () => {
    expect(isJsonDocument('application/json')).toBe(true);
    expect(isJsonDocument('application/json; charset=utf-8')).toBe(true);
    expect(isJsonDocument('application/problem+json')).toBe(true);
    expect(isJsonDocument('application/x-ndjson')).toBe(false);
    expect(isJsonDocument('application/jsonl')).toBe(false);
  });
});

describe('wire/body', () => {
  it('hasBody follows RFC 9110 §6.4.1', () => {
    expect(hasBody('GET', 200)).toBe(true);
    expect(hasBody('HEAD', 200)).toBe(false);
    expect(hasBody('POST', 204)).toBe(false);
    expect(hasBody('GET', 304)).toBe(false);
    expect(hasBody('GET', 101)).toBe(false);
  });

  it('decodeText reads gzip and identity, refuses what is not what it says', async () => {
    expect(await decodeText(gzipSync('{"a":1}'), 'gzip')).toBe('{"a":1}');
    expect(await decodeText(Buffer.from('plain'), '')).toBe('plain');
    expect(await decodeText(Buffer.from('not gzip'), 'gzip')).toBeUndefined();
    expect(await decodeText(Buffer.from('x'), 'zstd')).toBeUndefined();
    expect(await decodeText(Buffer.from([0xff, 0xfe]), '')).toBeUndefined();
  });

  it('streamDecoder decodes chunk by chunk, and has none for identity', async () => {
    expect(streamDecoder('identity')).toBeUndefined();
    const decoder = streamDecoder(' GZIP ')!;
    const out: Buffer[] = [];
    decoder.on('data', (b: Buffer) => out.push(b));
    const done = new Promise((resolve) => decoder.on('end', resolve));
    decoder.end(gzipSync('data: 1\n\n'));
    await done;
    expect(Buffer.concat(out).toString()).toBe('data: 1\n\n');
  });

  it('readPrefix: all of a small body, or the prefix past the limit with the stream paused', async () => {
    const small = new PassThrough();
    const reading = readPrefix(small, 10);
    small.end('hello');
    expect(await reading).toEqual({ prefix: Buffer.from('hello'), complete: true });

    const big = new PassThrough();
    const chunks: Buffer[] = [];
    const prefix = readPrefix(big, 4, chunks);
    big.write('abc');
    big.write('defg');
    const read = await prefix;
    expect(read).toEqual({ prefix: Buffer.from('abcdefg'), complete: false });
    expect(big.isPaused()).toBe(true);
    expect(chunks).toHaveLength(2);

    const broken = new PassThrough();
    const failing = readPrefix(broken, 10);
    broken.destroy(new Error('cut'));
    await expect(failing).rejects.toThrow('cut');
  });
});
