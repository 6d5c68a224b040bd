import type { Inspector } from '../../src/main/core/inspector';
import type { TunnelNote, TunnelState, TunnelStatus } from '../../src/shared/tunnel';

/** Resolves with the tunnel status once it is in `state` (now or later) and passes `test`. */
export function tunnelState(inspector: Inspector, state: TunnelState, test: (s: TunnelStatus) => boolean = () => true): Promise<TunnelStatus> {
  const now = inspector.tunnelStatus;
  if (now.state === state && test(now)) return Promise.resolve(now);
  return new Promise((resolve) => {
    const unsubscribe = inspector.subscribe((event) => {
      if (event.type !== 'tunnel:state' || event.status.state !== state || !test(event.status)) return;
      unsubscribe();
      resolve(event.status);
    });
  });
}

/** Resolves with the first note of `kind` (already there or later) that passes `test`. */
export function tunnelNote(inspector: Inspector, kind: TunnelNote['kind'], test: (n: TunnelNote) => boolean = () => true): Promise<TunnelNote> {
  const found = inspector.tunnelStatus.notes.find((n) => n.kind === kind && test(n));
  if (found) return Promise.resolve(found);
  return new Promise((resolve) => {
    const unsubscribe = inspector.subscribe((event) => {
      if (event.type !== 'tunnel:note' || event.note.kind !== kind || !test(event.note)) return;
      unsubscribe();
      resolve(event.note);
    });
  });
}

/** Every state the tunnel went through, in order, from its notes. */
export function stateHistory(inspector: Inspector): string[] {
  return inspector.tunnelStatus.notes.filter((n) => n.kind === 'state').map((n) => n.text.split(':')[0]!);
}
