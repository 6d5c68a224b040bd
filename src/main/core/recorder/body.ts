import type { BodyRecord } from '../../../shared/exchange';

export const DEFAULT_BODY_CAP = 1024 * 1024;

/**
 * Collects a body as it streams past, keeping at most `cap` bytes in memory; the rest is
 * only counted, and the record says it was truncated.
 *
 * The bytes go into one buffer that doubles as it fills: an SSE stream arrives as thousands of
 * small chunks, and a Buffer object per chunk cost ~100 bytes of heap per event on top of the
 * event's own bytes.
 */
export class BodyCapture {
  private buffer: Buffer | undefined;
  private kept = 0;
  size = 0;

  constructor(private readonly cap = DEFAULT_BODY_CAP) {}

  push(chunk: Buffer): void {
    this.size += chunk.length;
    const length = Math.min(chunk.length, this.cap - this.kept);
    if (length <= 0) return;
    const needed = this.kept + length;
    if (!this.buffer || needed > this.buffer.length) {
      // A copy either way: the proxy may reuse the chunk's memory.
      const grown = Buffer.allocUnsafe(this.buffer ? Math.min(this.cap, Math.max(needed, this.buffer.length * 2)) : needed);
      this.buffer?.copy(grown, 0, 0, this.kept);
      this.buffer = grown;
    }
    chunk.copy(this.buffer, this.kept, 0, length);
    this.kept = needed;
  }

  get truncated(): boolean {
    return this.size > this.kept;
  }

  /** The kept bytes as a record: UTF-8 text when it decodes cleanly, base64 otherwise. */
  toRecord(): BodyRecord | undefined {
    if (this.size === 0) return undefined;
    return bodyRecord(this.buffer ? this.buffer.subarray(0, this.kept) : Buffer.alloc(0), this.size);
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
