import { useEffect, useMemo, useRef, useState } from 'react';
import type { ExchangeSummary } from '../../../shared/controlApi';
import type { Exchange } from '../../../shared/exchange';
import { relatedCandidates } from '../lib/rpcLinks';
import { useApp, useTimeline } from '../state/store';

// The few other exchanges of the open exchange's connection that its JSON-RPC links need
// (streams carrying its responses and notifications, requests its notifications belong to),
// fetched with `exchanges.get` and fetched again when their rows change (an open stream grows),
// at most 4× a second. Old copies stay shown while new ones load, so nothing flickers.

/**
 * The timeline's version, at most once a `ms`: reading a connection's rows walks the whole
 * timeline, which must not happen on every batch of a busy session.
 */
export function useSlowVersion(ms = 1000): number {
  const version = useApp((s) => s.version);
  const [slow, setSlow] = useState(version);
  const last = useRef(0);
  useEffect(() => {
    if (version === slow) return;
    const timer = setTimeout(
      () => {
        last.current = Date.now();
        setSlow(version);
      },
      Math.max(0, last.current + ms - Date.now()),
    );
    return () => clearTimeout(timer);
  }, [version, slow, ms]);
  return slow;
}

export function useRelatedExchanges(exchange: Exchange | null | undefined, summary: ExchangeSummary): Exchange[] {
  const run = useApp((s) => s.run);
  const capture = useApp((s) => s.source.capture);
  // Re-read the connection's rows as the timeline changes (an open stream's revision grows).
  const version = useSlowVersion();
  const model = useTimeline();
  const connectionId = summary.connectionId;
  const candidates = useMemo(
    () => (exchange && connectionId ? relatedCandidates(exchange, model.connection(connectionId)) : []),
    [exchange, connectionId, version, model],
  );
  const key = candidates.map((r) => `${r.id}@${r.revision}`).join(',');
  const [fetched, setFetched] = useState<Map<string, Exchange>>(() => new Map());
  const revisions = useRef(new Map<string, number>());
  const lastFetch = useRef(0);

  useEffect(() => {
    revisions.current = new Map();
    setFetched(new Map());
  }, [summary.id, capture]);

  useEffect(() => {
    const wanted = candidates.filter((r) => revisions.current.get(r.id) !== r.revision);
    if (wanted.length === 0) return;
    let cancelled = false;
    const wait = Math.max(0, lastFetch.current + 250 - Date.now());
    const timer = setTimeout(async () => {
      lastFetch.current = Date.now();
      const answers = await Promise.all(wanted.map((r) => run('exchanges.get', { id: r.id, capture })));
      if (cancelled) return;
      wanted.forEach((r) => revisions.current.set(r.id, r.revision));
      setFetched((previous) => {
        const next = new Map(previous);
        answers.forEach((answer, i) => {
          if (answer) next.set(wanted[i]!.id, answer);
        });
        return next;
      });
    }, wait);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [key, capture, run]);

  return useMemo(() => candidates.map((r) => fetched.get(r.id)).filter((e): e is Exchange => !!e), [candidates, fetched]);
}
