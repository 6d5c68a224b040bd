import { describe, expect, it } from 'vitest';
import { BodyCapture, bodyRecord, bodyText, DEFAULT_BODY_CAP } from '../../src/main/core/wire/body';

describe('BodyCapture', () => {
  it('keeps a body under the cap whole', () => {
    const capture = new BodyCapture(16);
    capture.push(Buffer.from('{"a":'));
    capture.push(Buffer.from('1}'));
    expect(capture.size).toBe(7);
    expect(capture.truncated).toBe(false);
    expect(capture.toRecord()).toEqual({ size: 7, encoding: 'utf8', data: '{"a":1}', truncated: false });
  });

  it('keeps a body of exactly the cap whole', () => {
    const capture = new BodyCapture(4);
    capture.push(Buffer.from('abcd'));
    expect(capture.toRecord()).toEqual({ size: 4, encoding: 'utf8', data: 'abcd', truncated: false });
  });

  it('keeps the first cap bytes, counts the rest and says it truncated', () => {
    const capture = new BodyCapture(10);
    capture.push(Buffer.from('012345'));
    capture.push(Buffer.from('6789AB'));
    capture.push(Buffer.from('CDEF'));
    expect(capture.size).toBe(16);
    expect(capture.truncated).toBe(true);
    expect(capture.toRecord()).toEqual({ size: 16, encoding: 'utf8', data: '0123456789', truncated: true });
  });

  it('copies what it keeps: the proxy may reuse a chunk’s memory', () => {
    const capture = new BodyCapture(8);
    const chunk = Buffer.from('original');
    capture.push(chunk);
    chunk.write('CHANGED!');
    expect(capture.toRecord()?.data).toBe('original');
  });

  it('keeps thousands of small chunks in order as it grows, up to the cap', () => {
    const frames = Array.from({ length: 5000 }, (_, i) => `id: ${i}\ndata: {"n":${i}}\n\n`);
    const whole = frames.join('');
    const capture = new BodyCapture(whole.length - 100);
    for (const frame of frames) capture.push(Buffer.from(frame));
    expect(capture.toRecord()).toEqual({ size: whole.length, encoding: 'utf8', data: whole.slice(0, whole.length - 100), truncated: true });
  });

  it('has no record for an empty body', () => {
    const capture = new BodyCapture();
    expect(capture.toRecord()).toBeUndefined();
    capture.push(Buffer.alloc(0));
    expect(capture.toRecord()).toBeUndefined();
    expect(capture.truncated).toBe(false);
  });

  it('defaults to a 1 MiB cap', () => {
    expect(DEFAULT_BODY_CAP).toBe(1024 * 1024);
    const capture = new BodyCapture();
    capture.push(Buffer.alloc(DEFAULT_BODY_CAP, 0x61));
    expect(capture.truncated).toBe(false);
    capture.push(Buffer.from('b'));
    const record = capture.toRecord()!;
    expect(record).toMatchObject({ size: DEFAULT_BODY_CAP + 1, truncated: true, encoding: 'utf8' });
    expect(record.data).toHaveLength(DEFAULT_BODY_CAP);
    expect(record.data.endsWith('a')).toBe(true);
  });

  it('stays text when the cap cuts a multi-byte character in half', () => {
    const capture = new BodyCapture(7);
    capture.push(Buffer.from('data: ✓✓', 'utf8')); // ✓ is 3 bytes: the cap falls inside the first one
    const record = capture.toRecord()!;
    expect(record.encoding).toBe('utf8');
    expect(record.truncated).toBe(true);
    expect(record.data.startsWith('data: ')).toBe(true);
  });
});

describe('bodyRecord', () => {
  it('records valid UTF-8 as text', () => {
    expect(bodyRecord(Buffer.from('héllo 🚀 日本', 'utf8'))).toEqual({ size: 18, encoding: 'utf8', data: 'héllo 🚀 日本', truncated: false });
  });

  it.each<[string, number[]]>([
    ['an invalid byte in the middle', [0x61, 0xff, 0x62]],
    ['a PNG signature', [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
    ['gzip magic', [0x1f, 0x8b, 0x08, 0x00]],
    ['an invalid last byte of a complete body', [0x61, 0x62, 0xff]],
    ['a lone invalid byte', [0xff]],
    ['a complete body ending in half a character', [0x61, 0xe2, 0x9c]],
  ])('records %s as base64, losslessly', (_name, bytes) => {
    const buffer = Buffer.from(bytes);
    const record = bodyRecord(buffer);
    expect(record).toEqual({ size: bytes.length, encoding: 'base64', data: buffer.toString('base64'), truncated: false });
    expect(Buffer.from(record.data, 'base64')).toEqual(buffer);
  });

  it('records a kept prefix cut inside a character as text, with the real size', () => {
    const bytes = Buffer.from('ok 🚀', 'utf8');
    const record = bodyRecord(bytes.subarray(0, 5), bytes.length);
    expect(record).toMatchObject({ size: 7, encoding: 'utf8', truncated: true });
    expect(record.data.startsWith('ok ')).toBe(true);
  });

  it('still falls back to base64 for a kept prefix with an invalid byte before the cut', () => {
    const record = bodyRecord(Buffer.from([0x61, 0xff, 0x62, 0xe2]), 10);
    expect(record).toMatchObject({ size: 10, encoding: 'base64', truncated: true });
  });
});

describe('bodyText', () => {
  it('gives text records as they are and decodes base64 ones', () => {
    expect(bodyText(undefined)).toBeUndefined();
    expect(bodyText({ size: 2, encoding: 'utf8', data: 'hi', truncated: false })).toBe('hi');
    expect(bodyText({ size: 3, encoding: 'base64', data: Buffer.from('a✓').toString('base64'), truncated: false })).toBe('a✓');
  });

  it('round-trips through bodyRecord for text', () => {
    const original = '{"jsonrpc":"2.0","id":1,"result":{"text":"✓"}}';
    expect(bodyText(bodyRecord(Buffer.from(original)))).toBe(original);
  });
});
