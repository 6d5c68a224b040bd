import { isUtf8 } from 'node:buffer';
import type { Readable, Transform } from 'node:stream';
import { promisify } from 'node:util';
import {
  brotliDecompress,
  brotliDecompressSync,
  constants,
  createBrotliDecompress,
  createGunzip,
  createInflate,
  gunzip,
  gunzipSync,
  inflate,
  inflateSync,
  type ZlibOptions,
} from 'node:zlib';
import type { BodyRecord, HttpHeaders } from '../../../shared/exchange';

// Bodies on the wire: reading them as they pass (capped), decoding their content-encoding
// (at once, in the background, or chunk by chunk for a stream), and their record form.

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

const DECOMPRESS_SYNC: Record<string, (bytes: Buffer, options: ZlibOptions) => Buffer> = {
  gzip: gunzipSync,
  'x-gzip': gunzipSync,
  deflate: inflateSync,
  br: brotliDecompressSync,
};

/** Decoded bodies are read up to this size: a small gzip body can inflate to gigabytes. */
const MAX_DECODED = 8 * 1024 * 1024;

/**
 * The bytes under a content-encoding (gzip, deflate, br), read as far as they go (a truncated
 * body too); undefined for an encoding we can't read or bytes that aren't what it says.
 */
export function decodeContentSync(bytes: Buffer, encoding: string): Buffer | undefined {
  const name = encoding.trim().toLowerCase();
  const decode = DECOMPRESS_SYNC[name];
  if (!decode) return undefined;
  const finishFlush = name === 'br' ? constants.BROTLI_OPERATION_FLUSH : constants.Z_SYNC_FLUSH;
  try {
    return decode(bytes, { finishFlush, maxOutputLength: MAX_DECODED });
  } catch {
    return undefined;
  }
}

/**
 * A body's text for reading it (classification, correlation): a compressed body is recorded as
 * the bytes that travelled, and read decompressed.
 */
export function readableText(record: BodyRecord | undefined, headers: HttpHeaders): string | undefined {
  const encoding = headers['content-encoding'];
  if (!record || record.encoding !== 'base64' || typeof encoding !== 'string') return bodyText(record);
  const decoded = decodeContentSync(Buffer.from(record.data, 'base64'), encoding);
  return decoded && isUtf8(decoded) ? decoded.toString('utf8') : bodyText(record);
}

/** Whether a response to this request carries a body at all (RFC 9110 §6.4.1). */
export function hasBody(method: string, status: number): boolean {
  return method !== 'HEAD' && status !== 204 && status !== 304 && (status < 100 || status >= 200);
}

const DECOMPRESS: Record<string, (b: Buffer) => Promise<Buffer>> = {
  gzip: promisify(gunzip),
  'x-gzip': promisify(gunzip),
  deflate: promisify(inflate),
  br: promisify(brotliDecompress),
};

/** A body's text, decoded per its content-encoding; undefined when it is not UTF-8 we can read. */
export async function decodeText(raw: Buffer, encoding: string): Promise<string | undefined> {
  let bytes = raw;
  if (encoding && encoding !== 'identity') {
    const decode = DECOMPRESS[encoding];
    if (!decode) return undefined;
    try {
      bytes = await decode(raw);
    } catch {
      return undefined; // not what its header says
    }
  }
  return isUtf8(bytes) ? bytes.toString('utf8') : undefined;
}

/** Incremental decoders for compressed streams, flushing per chunk so events are parsed as they pass. */
const STREAM_DECODERS: Record<string, () => Transform> = {
  gzip: () => createGunzip({ flush: constants.Z_SYNC_FLUSH }),
  'x-gzip': () => createGunzip({ flush: constants.Z_SYNC_FLUSH }),
  deflate: () => createInflate({ flush: constants.Z_SYNC_FLUSH }),
  br: () => createBrotliDecompress({ flush: constants.BROTLI_OPERATION_FLUSH }),
};

/** A decoder for a content-encoding read chunk by chunk; undefined for identity or one we can't read. */
export function streamDecoder(encoding: string): Transform | undefined {
  return STREAM_DECODERS[encoding.trim().toLowerCase()]?.();
}

export interface BodyPrefix {
  prefix: Buffer;
  complete: boolean;
}

/**
 * Reads a body while it stays within `limit` bytes: `complete` with all of it, or the stream is
 * paused just past the limit with what came so far. Every chunk also lands in `chunks` (what
 * came before a failure) and `capture`. Rejects when the stream breaks off.
 */
export function readPrefix(stream: Readable, limit: number, chunks: Buffer[] = [], capture?: BodyCapture): Promise<BodyPrefix> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      capture?.push(chunk);
      size += chunk.length;
      if (size > limit) {
        cleanup();
        stream.pause();
        resolve({ prefix: Buffer.concat(chunks), complete: false });
      }
    };
    const onEnd = () => {
      cleanup();
      resolve({ prefix: Buffer.concat(chunks), complete: true });
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    const onAborted = () => onError(new Error('aborted'));
    const cleanup = () => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.off('aborted', onAborted);
    };
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
    stream.on('aborted', onAborted);
  });
}
