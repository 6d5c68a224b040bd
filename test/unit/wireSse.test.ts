import { describe, expect, it } from 'vitest';
import { formatSse, SseParser, type ParsedSse } from '../../src/main/core/wire/sse';

/** Feeds the chunks to a fresh parser and returns what it reported (after `end()` if asked). */
function parse(chunks: Array<string | Buffer>, { end = false } = {}): ParsedSse[] {
  const items: ParsedSse[] = [];
  const parser = new SseParser((item) => items.push(item));
  for (const chunk of chunks) parser.push(chunk);
  if (end) parser.end();
  return items;
}

const bytewise = (text: string): Buffer[] => [...Buffer.from(text, 'utf8')].map((byte) => Buffer.from([byte]));
const events = (items: ParsedSse[]) => items.filter((i) => i.kind === 'event');

describe('SseParser line endings', () => {
  it.each([
    ['LF', '\n'],
    ['CRLF', '\r\n'],
    ['CR', '\r'],
  ])('splits lines and events on %s', (_name, eol) => {
    const stream = ['event: message', 'id: 1', 'data: first', '', 'data: second', ''].join(eol) + eol;
    expect(events(parse([stream]))).toEqual([
      { kind: 'event', event: 'message', id: '1', data: 'first' },
      { kind: 'event', event: undefined, id: undefined, data: 'second' },
    ]);
  });

  it('treats a CRLF split across two chunks as one line ending, not two', () => {
    // Were the LF taken as a second, empty line, "data: a" would be dispatched on its own.
    const items = parse(['data: a\r', '\ndata: b\r\n\r\n']);
    expect(items).toEqual([{ kind: 'event', event: undefined, id: undefined, data: 'a\nb' }]);
  });

  it('keeps the split CRLF state across an empty chunk', () => {
    const items = parse(['data: a\r', Buffer.alloc(0), '\ndata: b\n\n']);
    expect(items).toEqual([{ kind: 'event', event: undefined, id: undefined, data: 'a\nb' }]);
  });

  it('treats CR followed by CRLF as two line endings (an empty line ends the event)', () => {
    expect(parse(['data: a\r', '\r\n'])).toEqual([{ kind: 'event', event: undefined, id: undefined, data: 'a' }]);
  });

  it('parses the same stream fed byte by byte with mixed line endings', () => {
    const stream = 'id: 7\r\nevent: message\rdata: {"jsonrpc":"2.0"}\n\r\n: ping\r\rdata: x\n\n';
    expect(parse(bytewise(stream))).toEqual(parse([stream]));
    expect(parse([stream])).toEqual([
      { kind: 'event', event: 'message', id: '7', data: '{"jsonrpc":"2.0"}' },
      { kind: 'comment', comment: 'ping' },
      { kind: 'event', event: undefined, id: undefined, data: 'x' },
    ]);
  });
});

describe('SseParser fields', () => {
  it('joins multi-line data with LF, without a trailing LF', () => {
    expect(events(parse(['data: one\ndata: two\ndata:\ndata: four\n\n']))).toEqual([
      { kind: 'event', event: undefined, id: undefined, data: 'one\ntwo\n\nfour' },
    ]);
  });

  it('reports comments (pings) as comments, also in the middle of an event', () => {
    const items = parse([': ping 2026-09-01T10:00:00Z\n\ndata: a\n:keep-alive\ndata: b\n\n:\n']);
    expect(items).toEqual([
      { kind: 'comment', comment: 'ping 2026-09-01T10:00:00Z' },
      { kind: 'comment', comment: 'keep-alive' },
      { kind: 'event', event: undefined, id: undefined, data: 'a\nb' },
      { kind: 'comment', comment: '' },
    ]);
  });

  it('reads event, id and retry', () => {
    expect(parse(['event: endpoint\nid: abc-1\nretry: 3000\ndata: /messages?sessionId=s1\n\n'])).toEqual([
      { kind: 'event', event: 'endpoint', id: 'abc-1', data: '/messages?sessionId=s1', retry: 3000 },
    ]);
  });

  it('ignores a retry that is not all ASCII digits', () => {
    const [item] = parse(['retry: 10s\ndata: x\n\n']);
    expect(item).toEqual({ kind: 'event', event: undefined, id: undefined, data: 'x' });
    expect(item).not.toHaveProperty('retry');
  });

  it('ignores an id containing NUL', () => {
    expect(parse(['id: a\0b\ndata: x\n\n'])).toEqual([{ kind: 'event', event: undefined, id: undefined, data: 'x' }]);
  });

  it('ignores unknown fields: an event of only unknown fields is not dispatched', () => {
    expect(parse(['foo: bar\nDATA: shouted\n\n'])).toEqual([]);
    expect(parse(['foo: bar\ndata: x\nbaz\n\n'])).toEqual([{ kind: 'event', event: undefined, id: undefined, data: 'x' }]);
  });

  it('takes a line without a colon as a field name with an empty value', () => {
    expect(parse(['data\ndata\n\n'])).toEqual([{ kind: 'event', event: undefined, id: undefined, data: '\n' }]);
    expect(parse(['event\ndata: x\n\n'])).toEqual([{ kind: 'event', event: '', id: undefined, data: 'x' }]);
  });

  it('strips one leading space after the colon, and only one', () => {
    expect(parse(['data:no-space\n\n'])[0]!.data).toBe('no-space');
    expect(parse(['data: one\n\n'])[0]!.data).toBe('one');
    expect(parse(['data:  two\n\n'])[0]!.data).toBe(' two');
    expect(parse(['data:\tx\n\n'])[0]!.data).toBe('\tx');
    expect(parse(['event:  spaced\ndata: x\n\n'])[0]!.event).toBe(' spaced');
    expect(parse(['data: a: b\n\n'])[0]!.data).toBe('a: b');
  });

  it('records a block with only an id or retry (a priming event) without data, and an empty data line as empty data', () => {
    expect(parse(['id: 42\n\n'])).toEqual([{ kind: 'event', event: undefined, id: '42' }]);
    expect(parse(['retry: 3000\n\n'])).toEqual([{ kind: 'event', event: undefined, id: undefined, retry: 3000 }]);
    expect(parse(['id: 43\ndata:\n\n'])).toEqual([{ kind: 'event', event: undefined, id: '43', data: '' }]);
  });

  it('re-serialises each block with the fields it had: no data line is invented', () => {
    const frames = ['id: 42\n\n', 'retry: 3000\n\n', 'id: 43\ndata: \n\n', 'event: message\ndata: a\ndata: b\n\n', ': ping\n\n'];
    expect(parse(frames).map(formatSse)).toEqual(frames);
  });

  it('ignores a byte order mark at the start of the stream, as a browser does', () => {
    expect(parse(['\uFEFFdata: first\n\n'])).toEqual([{ kind: 'event', event: undefined, id: undefined, data: 'first' }]);
    expect(parse([Buffer.from([0xef, 0xbb]), Buffer.from([0xbf]), 'data: x\n\n'])[0]!.data).toBe('x');
  });

  it('does not carry event, id or retry over to the next event', () => {
    const [first, second] = parse(['event: a\nid: 1\nretry: 5\ndata: x\n\ndata: y\n\n']);
    expect(first).toMatchObject({ event: 'a', id: '1', retry: 5 });
    expect(second).toEqual({ kind: 'event', event: undefined, id: undefined, data: 'y' });
  });

  it('dispatches nothing for blank lines without fields', () => {
    expect(parse(['\n\n\r\n\r\r'])).toEqual([]);
  });
});

describe('SseParser chunking', () => {
  it('reassembles UTF-8 characters split across byte-sized chunks', () => {
    const text = 'data: héllo ✓ 𝄞 🚀 日本\n\n';
    expect(parse(bytewise(text))).toEqual([{ kind: 'event', event: undefined, id: undefined, data: 'héllo ✓ 𝄞 🚀 日本' }]);
  });

  it('reassembles a 4-byte character split 1+3 and 3+1', () => {
    const bytes = Buffer.from('data: 🚀\n\n', 'utf8');
    const at = bytes.indexOf(0xf0);
    for (const cut of [at + 1, at + 3]) {
      expect(parse([bytes.subarray(0, cut), bytes.subarray(cut)])[0]!.data).toBe('🚀');
    }
  });

  it('holds an unfinished line until its end arrives', () => {
    const items: ParsedSse[] = [];
    const parser = new SseParser((item) => items.push(item));
    parser.push('da');
    parser.push('ta: par');
    parser.push('tial\n');
    expect(items).toEqual([]);
    parser.push('\n');
    expect(items).toEqual([{ kind: 'event', event: undefined, id: undefined, data: 'partial' }]);
  });

  it('discards an unterminated event at end()', () => {
    expect(parse(['data: complete\n\ndata: cut short\n'], { end: true })).toEqual([{ kind: 'event', event: undefined, id: undefined, data: 'complete' }]);
    expect(parse(['data: no newline at all'], { end: true })).toEqual([]);
  });

  it('starts clean after end(): half an event does not leak into the next one', () => {
    const items: ParsedSse[] = [];
    const parser = new SseParser((item) => items.push(item));
    parser.push('event: stale\ndata: stale\n');
    parser.end();
    parser.push('data: fresh\n\n');
    expect(items).toEqual([{ kind: 'event', event: undefined, id: undefined, data: 'fresh' }]);
  });
});

describe('formatSse', () => {
  const roundTrip = (item: ParsedSse) => parse([formatSse(item)]);

  it.each<[string, ParsedSse]>([
    ['a plain event', { kind: 'event', data: '{"jsonrpc":"2.0","id":1,"result":{}}' }],
    ['an event with every field', { kind: 'event', event: 'message', id: '12', retry: 2500, data: 'x' }],
    ['multi-line data', { kind: 'event', data: 'one\ntwo\n\nfour' }],
    ['data with leading spaces', { kind: 'event', data: '  indented' }],
    ['an id-only event', { kind: 'event', id: 'prime-1', data: '' }],
    ['an empty event type', { kind: 'event', event: '', data: 'x' }],
    ['a comment', { kind: 'comment', comment: 'ping 2026-09-01T10:00:00Z' }],
    ['an empty comment', { kind: 'comment', comment: '' }],
  ])('round-trips %s through the parser', (_name, item) => {
    expect(roundTrip(item)).toEqual([item]);
  });

  it('re-serialises a parsed stream into one that parses the same', () => {
    const wire = 'id: 1\r\nevent: message\r\ndata: a\r\ndata: b\r\n\r\n: ping\r\n\r\nid: 2\r\n\r\nretry: 100\ndata: c\n\n';
    const parsed = parse([wire]);
    expect(parsed).toHaveLength(4);
    expect(parse([parsed.map(formatSse).join('')])).toEqual(parsed);
  });

  it('writes a comment as its own frame', () => {
    expect(formatSse({ kind: 'comment', comment: 'ping' })).toBe(': ping\n\n');
    expect(formatSse({ kind: 'event', id: '1', event: 'e', retry: 5, data: 'a\nb' })).toBe('id: 1\nevent: e\nretry: 5\ndata: a\ndata: b\n\n');
  });
});
