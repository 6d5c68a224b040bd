import type { Inspector } from './core/inspector';
import type { RetryOutcome } from './core/tunnel';
import type { TunnelNote } from '../shared/tunnel';

// `serve`'s side of the public tunnel: its timeline as `[tunnel]` lines, and "retry now" from
// the terminal (`r` + Enter) or from outside (SIGUSR2), for the laptop that woke up and
// doesn't want to wait for the next attempt.

export interface TunnelFollower {
  /** For the terminal's line reader: true when the line was a tunnel command (`r`), not a boundary label. */
  handleLine(line: string): boolean;
  dispose(): void;
}

const RETRY_SAID: Record<RetryOutcome, string> = {
  now: 'Retrying now',
  busy: 'An attempt is under way already',
  up: 'The tunnel is up: nothing to retry',
  restarted: 'Starting over',
  nothing: 'No tunnel to retry: start one with --tunnel or on the Tunnel screen',
};

export function followTunnel(inspector: Inspector, options: { interactive: boolean; out?: NodeJS.WritableStream }): TunnelFollower {
  const out = options.out ?? process.stdout;
  const say = (text: string) => out.write(`[tunnel] ${text}\n`);
  const signals = process.platform !== 'win32';
  const how = [options.interactive ? 'type r and Enter' : '', signals ? `send SIGUSR2 (kill -USR2 ${process.pid})` : ''].filter(Boolean).join(', or ');
  let hinted = false;

  const printNote = (note: TunnelNote) => {
    say(note.text);
    const status = inspector.tunnelStatus;
    if (note.state === 'up' && status.pasteHint) out.write(`Paste into Claude.ai:  ${status.pasteHint}\n`);
    // Said once, the first time waiting for the next attempt is something to cut short.
    if (!hinted && how && note.state && note.state !== 'up' && note.state !== 'off' && (note.state !== 'connecting' || status.nextAttemptAt)) {
      hinted = true;
      say(`To retry at once: ${how}`);
    }
  };
  const retry = () => void inspector.retryTunnel().then((outcome) => say(RETRY_SAID[outcome]));

  inspector.tunnelStatus.notes.forEach(printNote);
  const unsubscribe = inspector.subscribe((event) => event.type === 'tunnel:note' && printNote(event.note));
  if (signals) process.on('SIGUSR2', retry);
  return {
    handleLine(line) {
      if (line.trim().toLowerCase() !== 'r' || inspector.tunnelStatus.provider === 'none') return false;
      retry();
      return true;
    },
    dispose() {
      unsubscribe();
      if (signals) process.off('SIGUSR2', retry);
    },
  };
}
