import type { IncomingMessage } from 'node:http';
import { PassThrough, type Readable } from 'node:stream';
import { BodyCapture } from '../wire/body';
import type { ProxyContext } from './context';

/**
 * Streams a large request on: the prefix already read, then the rest, teed into the recorder.
 * `ctx.detachRequestBody` stops forwarding when the upstream answered early (e.g. 413) but keeps
 * reading the client's body, so the recording ends and the connection stays usable.
 */
export function streamRequestBody(req: IncomingMessage, prefix: Buffer, ctx: ProxyContext, bodyCap: number): Readable {
  const capture = new BodyCapture(bodyCap);
  capture.push(prefix);
  const out = new PassThrough();
  out.write(prefix);
  req.on('data', (chunk: Buffer) => capture.push(chunk));
  req.on('end', () => ctx.recording.requestComplete(capture.toRecord()));
  req.pipe(out);
  req.resume();
  ctx.detachRequestBody = () => {
    if (req.readableEnded) return;
    req.unpipe(out);
    out.end();
    req.resume();
    // The upstream connection is mid-body now: never hand it back to the keep-alive pool.
    ctx.proxyReq?.destroy();
  };
  return out;
}
