import type { BodyRecord } from '../../../shared/exchange';

export const DEFAULT_BODY_CAP = 1024 * 1024;

/**
 * Collects a body as it streams past, keeping at most `cap` bytes in memory; the rest is
 * only counted, and the record says it was truncated.
 */
export class BodyCapture {
  private readonly chunks: Buffer[] = [];
  private kept = 0;
  size = 0;

  constructor(private readonly cap = DEFAULT_BODY_CAP) {}

  push(chunk: Buffer): void {
    this.size += chunk.length;
    if (this.kept >= this.cap) return;
    const room = this.cap - this.kept;
    const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
    this.chunks.push(Buffer.from(part)); // copy: the proxy may reuse the chunk's memory
    this.kept += part.length;
  }

  get truncated(): boolean {
    return this.size > this.kept;
  }

  /** The kept bytes as a record: UTF-8 text when it decodes cleanly, base64 otherwise. */
  toRecord(): BodyRecord | undefined {
    if (this.size === 0) return undefined;
    const bytes = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.kept); // one chunk: already a copy
    return bodyRecord(bytes, this.size);
  }
}

export function bodyRecord(bytes: Buffer, size = bytes.length): BodyRecord {
  const text = bytes.toString('utf8');
  // A cut in the middle of a multi-byte character is not a reason to fall back to base64,
  // but only a truncated body was cut: a whole body ending in a bad byte is binary.
  const clean = !(size > bytes.length ? text.slice(0, -1) : text).includes('\uFFFD');
  return clean
    ? { size, encoding: 'utf8', data: text, truncated: size > bytes.length }
    : { size, encoding: 'base64', data: bytes.toString('base64'), truncated: size > bytes.length };
}

export function bodyText(record: BodyRecord | undefined): string | undefined {
  if (!record) return undefined;
  return record.encoding === 'utf8' ? record.data : Buffer.from(record.data, 'base64').toString('utf8');
}
