import type { BreakpointEdits } from '../../../shared/rules';
import type { ExchangeRecording } from '../recorder/recorder';

// Exchanges held at a breakpoint step (steps/breakpoint.ts) until the user resumes them.

export const DEFAULT_BREAKPOINT_TIMEOUT_MS = 30_000;

export class Breakpoints {
  /** Exchanges held, by id, with the function that lets each go. */
  private readonly paused = new Map<string, (edits: BreakpointEdits) => void>();

  /**
   * Holds an exchange until `resume` (maybe with edits) or the timeout, which lets it go
   * unchanged so a forgotten breakpoint never hangs a real client.
   */
  pause(recording: ExchangeRecording, stage: 'request' | 'response', timeoutMs = DEFAULT_BREAKPOINT_TIMEOUT_MS): Promise<BreakpointEdits> {
    const id = recording.exchange.id;
    return new Promise((resolve) => {
      const finish = (edits: BreakpointEdits) => {
        clearTimeout(timer);
        this.paused.delete(id);
        recording.setPaused(undefined);
        resolve(edits);
      };
      const timer = setTimeout(() => finish({}), timeoutMs);
      this.paused.set(id, finish);
      recording.setPaused({ stage, resumesAt: Date.now() + timeoutMs });
    });
  }

  /** Lets a paused exchange go on, with the user's edits. False when it is not paused. */
  resume(exchangeId: string, edits: BreakpointEdits = {}): boolean {
    const finish = this.paused.get(exchangeId);
    finish?.(edits);
    return finish !== undefined;
  }
}

/** What breakpoint edits changed, in words (empty when nothing). */
export function describeEdits(edits: BreakpointEdits, bodyComplete: boolean): string {
  const parts: string[] = [];
  if (edits.method) parts.push(`method ${edits.method}`);
  if (edits.url) parts.push(`URL ${edits.url}`);
  if (edits.status) parts.push(`status ${edits.status}`);
  const headers = Object.keys(edits.headers ?? {});
  if (headers.length) parts.push(`headers ${headers.join(', ')}`);
  if (edits.body !== undefined) {
    parts.push(bodyComplete ? `body (${Buffer.byteLength(edits.body)} bytes)` : 'not the body: it is over 1 MiB and was already streaming on');
  }
  return parts.join('; ');
}

/** Records what was edited at a breakpoint, if anything: the exchange keeps what the client sent or the upstream answered. */
export function recordEdits(recording: ExchangeRecording, edits: BreakpointEdits, where: 'the upstream' | 'the client', bodyComplete = true): void {
  const edited = describeEdits(edits, bodyComplete);
  if (edited) recording.ruleApplied({ ruleId: 'breakpoint-edit', explanation: `Edited at the breakpoint before ${where}: ${edited}` });
}
