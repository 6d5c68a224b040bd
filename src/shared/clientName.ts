import type { ClientFamily } from './exchange';

// How a client run is named, the same in the core (connections.list, compare) and the UI
// (run headers, pickers, rows): the client that opened MCP says who it is in `clientInfo`; a
// bare User-Agent ("node") is only the fallback, and a browser (the authorize leg) comes last.

/** What naming needs of one exchange (a timeline row or a recorded exchange). */
export interface ClientSighting {
  family: ClientFamily;
  label: string;
  /** An initialize or 2026-07-28 server/discover: the request that carries `clientInfo`. */
  handshake: boolean;
}

const HANDSHAKE_METHODS = ['initialize', 'server/discover'];

/** Whether JSON-RPC methods open MCP (and so carry the client's own name). */
export const opensMcp = (methods: readonly string[]): boolean => methods.some((m) => HANDSHAKE_METHODS.includes(m));

/** The run's client name, and whether the client gave it (`named`) or it is a User-Agent. */
export function nameClient(sightings: readonly ClientSighting[]): { name: string; named: boolean } {
  const opened = sightings.find((s) => s.handshake && s.family !== 'browser' && s.family !== 'unknown');
  if (opened) return { name: opened.label, named: true };
  const counts = new Map<string, number>();
  for (const s of sightings) if (s.family !== 'browser') counts.set(s.label, (counts.get(s.label) ?? 0) + 1);
  let best: string | undefined;
  let most = 0;
  for (const [label, n] of counts) if (n > most) [best, most] = [label, n];
  return { name: best ?? sightings[0]?.label ?? 'unknown client', named: false };
}

/** A timeline row as a sighting of its client. */
export const rowSighting = (row: { clientFamily: ClientFamily; clientLabel: string; phase: string; rpcMethods: string[] }): ClientSighting => ({
  family: row.clientFamily,
  label: row.clientLabel,
  handshake: row.phase === 'jsonrpc' && opensMcp(row.rpcMethods),
});
