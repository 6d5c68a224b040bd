import type { ServerResponse } from 'node:http';
import type { ResponseRecord } from '../../../shared/exchange';
import type { BreakpointEdits, Rule } from '../../../shared/rules';
import type { ExchangeRecording } from '../recorder/recorder';
import type { Forwarded } from './forwarding';
import type { MatchInput } from './matchers';
import type { OriginPair } from './originRewrite';

/** Per-request state of the front door, from the request's arrival to the response's end. */
export interface ProxyContext extends Forwarded {
  recording: ExchangeRecording;
  match: MatchInput;
  /** The rules that may act on this exchange (judged on the request, or waiting for the upstream's status). */
  rules: Rule[];
  origins: OriginPair;
  /** For a request body still streaming: stop forwarding it (the upstream already answered). */
  detachRequestBody?: () => void;
  /** While a response body is being buffered: hands the client what came so far (true when it did). */
  sendPartial?: () => boolean;
  /** The upstream's answer broke off and that was dealt with. */
  brokenOff?: boolean;
  /** We closed the upstream's answer ourselves (a replaced body): its end is no failure. */
  upstreamDropped?: boolean;
}

/** What the response phases (responseBody.ts) use of the front door. */
export interface Door {
  readonly bodyCap: number;
  readonly clientCutGraceMs?: number;
  /** Ends a response write-ahead: `record` is on disk before `last` goes out. */
  endResponse(res: ServerResponse, last: Buffer | undefined, record: () => void): void;
  /** A body as recorded: at most bodyCap bytes of it. */
  keep(body: Buffer): ResponseRecord['body'];
  /** The upstream's answer stopped before its end (upstreamErrors.ts). */
  brokeOff(res: ServerResponse, ctx: ProxyContext, err?: NodeJS.ErrnoException): void;
  pause(recording: ExchangeRecording, stage: 'request' | 'response', timeoutMs?: number): Promise<BreakpointEdits>;
  /** Learns how the upstream names itself, from a text it sent. */
  noticeSelfOrigin(text: string | string[] | undefined, pair: OriginPair): void;
}
