import { StringDecoder } from 'node:string_decoder';
import type { SseEvent } from '../../../shared/exchange';

// text/event-stream (WHATWG HTML §9.2.6) both ways: an incremental parser fed raw chunks as
// they pass the proxy (it never holds more than the current unfinished line and event), and
// the one formatter every SSE writer uses (the front door's transforms, the reference server).

/** One event or comment of a stream: what the recorder keeps as an SseEvent, before its index and time. */
export type ParsedSse = Omit<SseEvent, 'index' | 'at'>;

export class SseParser {
  private readonly decoder = new StringDecoder('utf8');
  private buffer = '';
  private data: string[] = [];
  private event: string | undefined;
  private id: string | undefined;
  private retry: number | undefined;
  private hasFields = false;
  private sawCR = false;
  private started = false;

  constructor(private readonly onItem: (item: ParsedSse) => void) {}

  push(chunk: Buffer | string): void {
    let text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    // Nothing decoded yet (an empty chunk, or only part of a character): keep a pending CR.
    if (text === '') return;
    if (!this.started) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // a leading BOM is not part of the stream
    }
    // A CRLF split across chunks: the LF belongs to the CR already handled.
    if (this.sawCR && text.startsWith('\n')) text = text.slice(1);
    this.sawCR = false;
    this.buffer += text;
    let start = 0;
    for (let i = 0; i < this.buffer.length; i++) {
      const c = this.buffer.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      this.line(this.buffer.slice(start, i));
      if (c === 13) {
        if (i + 1 < this.buffer.length) {
          if (this.buffer.charCodeAt(i + 1) === 10) i++;
        } else {
          this.sawCR = true;
        }
      }
      start = i + 1;
    }
    this.buffer = this.buffer.slice(start);
  }

  /** The stream ended: an unterminated event is discarded, as a browser's EventSource does. */
  end(): void {
    this.buffer = '';
    this.reset();
  }

  private line(line: string): void {
    if (line === '') {
      if (this.hasFields) {
        this.onItem({
          kind: 'event',
          event: this.event,
          id: this.id,
          // A block with no data line (just id: or retry:) dispatches no message in a browser;
          // it is kept, without data, so the timeline shows it and a re-serialised stream matches.
          ...(this.data.length ? { data: this.data.join('\n') } : {}),
          ...(this.retry !== undefined ? { retry: this.retry } : {}),
        });
      }
      this.reset();
      return;
    }
    if (line.startsWith(':')) {
      this.onItem({ kind: 'comment', comment: line.slice(1).replace(/^ /, '') });
      return;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    switch (field) {
      case 'data':
        this.data.push(value);
        break;
      case 'event':
        this.event = value;
        break;
      case 'id':
        if (!value.includes('\0')) this.id = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.retry = Number(value);
        break;
      default:
        return; // unknown fields are ignored
    }
    this.hasFields = true;
  }

  private reset(): void {
    this.data = [];
    this.event = undefined;
    this.id = undefined;
    this.retry = undefined;
    this.hasFields = false;
  }
}

/**
 * One event or comment as it goes on the wire: each data line its own `data:` field, so
 * formatting what the parser reported gives the same events back.
 */
export function formatSse(item: ParsedSse): string {
  if (item.kind === 'comment') return `: ${item.comment ?? ''}\n\n`;
  let frame = '';
  if (item.id !== undefined) frame += `id: ${item.id}\n`;
  if (item.event !== undefined) frame += `event: ${item.event}\n`;
  if (item.retry !== undefined) frame += `retry: ${item.retry}\n`;
  if (item.data !== undefined) for (const line of item.data.split('\n')) frame += `data: ${line}\n`;
  return `${frame}\n`;
}
