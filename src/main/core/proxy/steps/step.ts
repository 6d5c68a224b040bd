import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import type { HttpHeaders } from '../../../../shared/exchange';
import type { BreakpointEdits, Step } from '../../../../shared/rules';
import type { ExchangeRecording } from '../../recorder/recorder';
import type { SseTransform } from '../sseTransform';

// What a step executor is, and what it acts on at each stage of an exchange. The definitions
// (src/shared/rules.ts) are plain data; an executor gives one step type its meaning.

/**
 * Where a step acts: before the request goes upstream, on the upstream's answer (before the
 * client sees it), or wherever its rule is judged (a delay of a rule that matches on the
 * upstream's status waits before answering, otherwise before the upstream).
 */
export type StepStage = 'request' | 'response' | 'either';

/** The exchange as a request-stage step sees it: nothing has gone upstream yet. */
export interface RequestStepContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly recording: ExchangeRecording;
  /** Holds the exchange at a breakpoint until it is resumed (maybe with edits) or times out. */
  pause(stage: 'request' | 'response', timeoutMs?: number): Promise<BreakpointEdits>;
  /** Ends the response write-ahead: `record` is on disk before the last bytes go out. */
  endResponse(body: Buffer | undefined, record: () => void): void;
  /** Edits made at a request breakpoint, applied before the request goes upstream. */
  edits?: BreakpointEdits;
  /** Set by a final step: the exchange was answered (or left unanswered) without the upstream. */
  ended?: boolean;
}

/** The upstream's answer as response-stage steps shape it, before any of it reaches the client. */
export interface ResponseStepContext {
  status: number;
  /** The headers to send (a copy: steps change them in place). */
  headers: HttpHeaders;
  /** A body that replaces the upstream's. */
  replacement?: Buffer;
  /** Pause before the client gets the response (a stream: before its headers). */
  breakpoint?: { timeoutMs?: number };
  /** patch-json steps, applied once the body is known to be JSON or SSE (each records itself when it first changes something). */
  readonly jsonRpcEdits: Array<{ step: Extract<Step, { type: 'patch-json' }>; applied: () => void }>;
  /** Event transforms of the stream. */
  readonly sse: SseTransform;
  /** Acts only once the response is known to be an event stream (SSE steps). */
  readonly onStream: Array<() => void>;
}

export interface StepExecutor<S extends Step> {
  /** The step's member of the rules file format (parseRules). */
  readonly schema: z.ZodType<S>;
  stage(step: S): StepStage;
  /** The step ends the exchange: it must be its rule's last step. */
  readonly final?: boolean;
  /**
   * The step records itself as applied when it acts (it waits for the body's kind), instead of
   * when its rule reaches it.
   */
  readonly deferred?: boolean;
  /** One sentence for the timeline and the rules editor: what the step does. */
  explain(step: S): string;
  /** The status the step answers with or sets, recorded with it (rows show "204 (was 202)"). */
  status?(step: S): number;
  /** What is wrong with the step's values beyond its schema (a status that is not HTTP's, …). */
  problems?(step: S): string[];
  /** Acts before the upstream (stages `request` and `either`). */
  onRequest?(step: S, ctx: RequestStepContext): void | Promise<void>;
  /** Acts on the upstream's answer (stages `response` and `either`); `applied` records a deferred step. */
  onResponse?(step: S, ctx: ResponseStepContext, applied: () => void): void | Promise<void>;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** An HTTP status a step may set. */
export function statusProblems(status: number): string[] {
  return status >= 100 && status <= 599 ? [] : [`${status} is not an HTTP status`];
}
