import type { CaptureInfo, ConnectionInfo, ConnectionRef, ExchangeSource, ExchangeSummary } from '../../../shared/controlApi';
import type { Boundary, Exchange } from '../../../shared/exchange';
import type { LintFinding } from '../../../shared/lint';
import type { Inspector } from '../inspector';
import { groupConnections, lintExchanges, summarize as summarizeLint } from '../lint/engine';
import { ensureConversations } from '../recorder/mrtr';
import { describeRuns, isRunId } from '../recorder/runs';
import { CommandError } from './errors';
import { summarize } from './summary';

// Where the control API's exchanges come from: the live session (the inspector) or a capture
// read from disk, regrouped into connections and linted like live traffic, and kept open
// while it is viewed.

/** Captures kept open at once: the timeline's, and the two sides of a comparison. */
const MAX_OPEN_CAPTURES = 3;
/**
 * Captures up to this size are linted when opened. Connection rules look at a connection's
 * earlier exchanges, so the cost grows faster than the size; `lint <capture>` in the CLI
 * judges a larger one.
 */
export const MAX_LINTED_CAPTURE = 20_000;

/** A capture read from disk: its exchanges regrouped into connections and judged once. */
interface OpenedCapture {
  exchanges: Exchange[];
  boundaries: Boundary[];
  byId: Map<string, Exchange>;
  connectionOf: Map<string, string | undefined>;
  runOf: Map<string, string | undefined>;
  findings: Map<string, LintFinding[]>;
  linted: boolean;
}

/** The exchanges of a source with their connections and findings, live or from a capture. */
export interface SourceView {
  /** "live session" or the capture id, for comparisons. */
  name: string;
  list: Exchange[];
  get(id: string): Exchange | undefined;
  connectionOf(exchange: Exchange): string | undefined;
  /** The run of its connection an exchange belongs to. */
  runOf(exchange: Exchange): string | undefined;
  /** The current id of a connection id the UI may have seen before a merge. */
  resolveConnection(id: string): string;
  boundaries: Boundary[];
  findingsFor(exchangeId: string): LintFinding[];
  /** False for a capture too large to lint when opened. */
  linted: boolean;
  row(exchange: Exchange): ExchangeSummary;
}

export class Sources {
  /** Captures read from disk, least recently used first. */
  private readonly opened = new Map<string, OpenedCapture>();
  /** The live capture's name, once read (renaming it sets it). */
  private liveName?: string;

  constructor(
    private readonly inspector: Inspector,
    /** A live exchange's row, with the revision the event stream gave it. */
    private readonly liveRow: (exchange: Exchange) => ExchangeSummary,
  ) {}

  /** The exchanges of a source: the live session, or a capture read from disk (kept while viewed). */
  async view(source: ExchangeSource): Promise<SourceView> {
    if (!source.capture) {
      const { inspector } = this;
      return {
        name: 'live session',
        list: inspector.exchanges(),
        get: (id) => inspector.exchange(id),
        connectionOf: (e) => inspector.connectionOf(e),
        runOf: (e) => inspector.runOf(e),
        resolveConnection: (id) => inspector.connectionRoot(id) ?? id,
        boundaries: inspector.boundaries(),
        findingsFor: (id) => inspector.findingsFor(id),
        linted: true,
        row: this.liveRow,
      };
    }
    const id = source.capture;
    let opened = this.opened.get(id);
    if (opened) this.opened.delete(id); // (re-added below as the most recently used)
    else opened = await this.openCapture(id);
    this.opened.set(id, opened);
    if (this.opened.size > MAX_OPEN_CAPTURES) this.opened.delete(this.opened.keys().next().value!);
    const { byId, connectionOf, runOf, findings } = opened;
    const findingsFor = (exchangeId: string) => findings.get(exchangeId) ?? [];
    return {
      name: id,
      list: opened.exchanges,
      get: (exchangeId) => byId.get(exchangeId),
      connectionOf: (e) => connectionOf.get(e.id),
      runOf: (e) => runOf.get(e.id),
      resolveConnection: (connectionId) => connectionId,
      boundaries: opened.boundaries,
      findingsFor,
      linted: opened.linted,
      row: (e) => summarize(e, 0, connectionOf.get(e.id), findingsFor(e.id), runOf.get(e.id)),
    };
  }

  /**
   * The view that holds exchange `id`: the source itself, or, for a live exchange the inspector
   * has let go of (it keeps the latest ones in memory), this run's capture on disk.
   */
  async viewHolding(id: string, source: ExchangeSource): Promise<SourceView | undefined> {
    const view = await this.view(source);
    if (view.get(id)) return view;
    const live = this.inspector.info?.captureId;
    if (source.capture || !live) return undefined;
    // A snapshot of the growing live capture opened earlier may predate the exchange: reopen once.
    const cached = this.opened.get(live);
    const onDisk = await this.view({ capture: live });
    if (onDisk.get(id) || !cached) return onDisk.get(id) ? onDisk : undefined;
    this.opened.delete(live);
    const fresh = await this.view({ capture: live });
    return fresh.get(id) ? fresh : undefined;
  }

  /** One exchange by id, bodies included: the one place the control API fetches an exchange. */
  async exchange(id: string, source: ExchangeSource): Promise<Exchange | undefined> {
    // Live: memory, else this run's capture (the recorder reads one exchange back from disk).
    if (!source.capture) return this.inspector.readExchange(id);
    return (await this.viewHolding(id, source))?.get(id);
  }

  /** Reads a capture, regroups its connections over the whole file and lints it like live traffic. */
  private async openCapture(id: string): Promise<OpenedCapture> {
    let read: { exchanges: Exchange[]; boundaries: Boundary[] };
    try {
      read = await this.inspector.readCapture(id);
    } catch (err) {
      throw new CommandError(`Cannot open capture ${id}: ${(err as Error).message}`, 'not-found');
    }
    const { exchanges, boundaries } = read;
    const byId = new Map(exchanges.map((e) => [e.id, e]));
    const findings = new Map<string, LintFinding[]>();
    const grouping = groupConnections(exchanges, boundaries);
    // Rounds of multi-round-trip requests in a capture written before the recorder linked them.
    ensureConversations(exchanges, (e) => grouping.connectionOf.get(e.id));
    const opened = { exchanges, boundaries, byId, connectionOf: grouping.connectionOf, runOf: grouping.runOf, findings };
    if (exchanges.length > MAX_LINTED_CAPTURE) return { ...opened, linted: false };
    const report = lintExchanges(exchanges, { grouping });
    for (const finding of report.findings) findings.set(finding.exchangeId, [...(findings.get(finding.exchangeId) ?? []), finding]);
    return { ...opened, linted: true };
  }

  /** A capture changed on disk (the live one grows, one was deleted): read it afresh next time. */
  forget(id: string | undefined): void {
    if (id) this.opened.delete(id);
  }

  /** The exchanges of a run (`run:…`) or of a whole connection. */
  connectionMembers(view: SourceView, connectionId: string): Exchange[] {
    if (isRunId(connectionId)) return view.list.filter((e) => view.runOf(e) === connectionId);
    const id = view.resolveConnection(connectionId);
    return view.list.filter((e) => view.connectionOf(e) === id);
  }

  /** One entry per client run, newest first, each with its verdict. */
  connectionList(view: SourceView): ConnectionInfo[] {
    const runs = new Map<string, Exchange[]>();
    for (const exchange of view.list) {
      const id = view.runOf(exchange);
      if (!id) continue;
      const members = runs.get(id);
      if (members) members.push(exchange);
      else runs.set(id, [exchange]);
    }
    return describeRuns([...runs].map(([id, members]) => ({ id, connectionId: view.connectionOf(members[0]!) ?? id, members })), view.boundaries, (members, id) => {
      const rows = members.map((e) => view.row(e));
      return { rows, lint: summarizeLint(id, members.length, members.flatMap((e) => view.findingsFor(e.id))) };
    });
  }

  /** A connection (or run) of a source as compare takes it. */
  async connectionInput(ref: ConnectionRef) {
    const view = await this.view(ref);
    const exchanges = this.connectionMembers(view, ref.connectionId);
    if (exchanges.length === 0) throw new CommandError(`No connection ${ref.connectionId} in ${ref.capture ? `capture ${ref.capture}` : 'this session'}`, 'not-found');
    return {
      source: `${view.name}#${ref.connectionId}`,
      connectionId: view.resolveConnection(ref.connectionId),
      exchanges,
      findings: exchanges.flatMap((e) => view.findingsFor(e.id)),
    };
  }

  /** The captures on disk, newest first, the one this run records into marked live. */
  async captureList(): Promise<CaptureInfo[]> {
    const live = this.inspector.info?.captureId;
    const list = await this.inspector.listCaptures();
    return list.map((c) => ({ ...c, live: c.id === live })).sort((a, b) => b.createdAt - a.createdAt);
  }

  /** The name of the capture this run records into. */
  async liveCaptureName(id: string): Promise<string> {
    this.liveName ??= (await this.inspector.listCaptures()).find((c) => c.id === id)?.name ?? id;
    return this.liveName;
  }

  /** The live capture was renamed. */
  renamedLive(name: string): void {
    this.liveName = name;
  }
}
