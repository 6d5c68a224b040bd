import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { bodyRecord } from '../wire/body';
import type { Recorder } from '../recorder/recorder';

// Requests that never reach the front door's handler: Node's HTTP parser refuses them (a bad
// request line, headers over its limit, headers too slow) and CONNECT, which Node hands to a
// separate event. A client that sends them still sees an answer, so the timeline shows one too.

/** Node's parser error codes that are the client's request, with the status and what they mean. */
function refusal(code: string | undefined): { status: number; reason: string; why: string } {
  if (code === 'HPE_HEADER_OVERFLOW') return { status: 431, reason: 'Request Header Fields Too Large', why: 'its header section is larger than Node accepts (16 KiB by default)' };
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return { status: 408, reason: 'Request Timeout', why: 'its headers did not arrive in time' };
  return { status: 400, reason: 'Bad Request', why: 'it is not valid HTTP/1.1' };
}

/** Method and target from the first line of what the client sent, as far as it can be read. */
function requestLine(raw: Buffer | undefined): { method: string; url: string } {
  const line = raw?.subarray(0, 8192).toString('latin1').split('\r\n', 1)[0] ?? '';
  const [method, url] = line.split(' ');
  return { method: method && /^[A-Z]{1,20}$/.test(method) ? method : 'UNKNOWN', url: url ?? '' };
}

/** Writes a whole plain-text HTTP answer on a raw socket and closes it. */
function answer(socket: Duplex, status: number, reason: string, body: string, headers: Record<string, string> = {}): void {
  const extra = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('');
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}Connection: close\r\n\r\n${body}`);
}

/** Records one refused request as an exchange answered by the front door itself. */
function record(recorder: Recorder, request: { method: string; url: string; address?: string; headers?: IncomingMessage['headers'] }, status: number, body: string, message: string): void {
  const recording = recorder.start({ method: request.method, url: request.url, httpVersion: '1.1', headers: request.headers ?? {}, address: request.address });
  recording.requestComplete(undefined);
  recording.responseStarted({ status, headers: { 'content-type': 'text/plain; charset=utf-8' } });
  recording.fail('client-malformed', message, bodyRecord(Buffer.from(body), Buffer.byteLength(body)));
}

/** Node's 'clientError': answers as Node would (400 / 431 / 408) and records the exchange. */
export function refuseMalformedRequest(recorder: Recorder, err: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket: Duplex & { remoteAddress?: string }): void {
  // The client left (reset, or closed mid-message: the handler's own exchange records that as
  // aborted), or nobody is left to answer: nothing to show twice.
  if (err.code === 'ECONNRESET' || err.code === 'HPE_INVALID_EOF_STATE' || !socket.writable) {
    socket.destroy();
    return;
  }
  const { status, reason, why } = refusal(err.code);
  const body = `${reason}: ${why}\n`;
  answer(socket, status, reason, body);
  record(recorder, { ...requestLine(err.rawPacket), address: socket.remoteAddress }, status, body, `Node's HTTP parser refused the request before the inspector saw it (${err.code ?? err.message}): ${why}`);
}

/** Node's 'connect': the front door is a reverse proxy, not a forward one. 405 and recorded. */
export function refuseConnect(recorder: Recorder, req: IncomingMessage, socket: Duplex): void {
  const body = 'Method Not Allowed: this is a reverse proxy in front of one MCP server, not a forward proxy (CONNECT)\n';
  answer(socket, 405, 'Method Not Allowed', body, { Allow: 'GET, POST, DELETE, HEAD, OPTIONS' });
  record(recorder, { method: 'CONNECT', url: req.url ?? '', address: req.socket.remoteAddress, headers: req.headers }, 405, body, 'CONNECT asks for a forward-proxy tunnel; the front door only forwards requests to its upstream');
}
