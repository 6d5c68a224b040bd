import type { ControlEvent, ExchangeSummary } from '../../../shared/controlApi';
import { isFailed } from '../../../shared/outcome';
import type { Boundary } from '../../../shared/exchange';
import { matchesQuery, parseQuery, type FilterContext, type ParsedQuery } from '../lib/filters';
import { judgeRun, namedClient, type RunDescription } from '../lib/runs';
import { pairBrowserLegs, type BrowserGap, type BrowserLeg } from '../../../shared/browserGap';

// The timeline as plain data, no React: rows normalised by id plus their order, the filtered
// view kept up to date incrementally (a batch only re-tests the rows it touched), the
// connection and run merges the core announces, the boundaries the user marked, and the rows
// grouped by client run (one header per run, its rows under it). The zustand store wraps one
// of these.

/** One client run's rows (a `run:…` id from the core; '' for rows that belong to no run). */
export interface RunGroup {
  readonly key: string;
  /** Every row of the run, in start order. */
  rowIds: string[];
  /** The rows passing the filter, in start order. */
  visibleIds: string[];
  /** Its first and last request's start. */
  start: number;
  last: number;
  /** A connection id of its rows (merges resolved when read). */
  connectionId?: string;
  /** Grows with every change of one of its rows (the verdict is recomputed only then). */
  revision: number;
  /** The header's place in `items` (one object per run, not one per rebuild). */
  readonly item: { kind: 'run'; group: RunGroup };
}

/** The browser's time at another origin's authorization server, shown under the authorize row it left from. */
export interface GapItem {
  kind: 'gap';
  gap: BrowserGap;
}

/** What the grouped timeline shows, top to bottom: a row id, a run's header, a boundary, a browser gap. */
export type TimelineItem = string | { kind: 'run'; group: RunGroup } | { kind: 'boundary'; boundary: Boundary } | GapItem;

type Segment =
  | { kind: 'rows'; ids: string[]; from: number; to: number }
  /** `lines`: the run's visible rows with its gap lines, set only when it has any. */
  | { kind: 'run'; group: RunGroup; open: boolean; lines?: Array<string | GapItem> }
  | { kind: 'boundary'; item: { kind: 'boundary'; boundary: Boundary } }
  | { kind: 'gap'; item: GapItem };

const runLength = (segment: Extract<Segment, { kind: 'run' }>): number => (segment.open ? (segment.lines ?? segment.group.visibleIds).length : 0);
const segmentLength = (segment: Segment): number => (segment.kind === 'rows' ? segment.to - segment.from : segment.kind === 'run' ? 1 + runLength(segment) : 1);

/** The lines the timeline shows, by index, computed from segments on demand. */
export class TimelineDisplay {
  readonly length: number;
  private readonly offsets: number[];
  private readonly runSegment = new Map<RunGroup, number>();

  constructor(
    private readonly segments: Segment[],
    private readonly groupOf: (id: string) => RunGroup | undefined,
    private readonly visible: string[],
  ) {
    let offset = 0;
    this.offsets = segments.map((segment, i) => {
      if (segment.kind === 'run') this.runSegment.set(segment.group, i);
      const at = offset;
      offset += segmentLength(segment);
      return at;
    });
    this.length = offset;
  }

  /** The line at an index (0 ≤ index < length). */
  at(index: number): TimelineItem {
    const { offsets } = this;
    let lo = 0;
    let hi = offsets.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (offsets[mid]! <= index) lo = mid;
      else hi = mid - 1;
    }
    const segment = this.segments[lo]!;
    const within = index - offsets[lo]!;
    if (segment.kind === 'rows') return segment.ids[segment.from + within]!;
    if (segment.kind === 'boundary' || segment.kind === 'gap') return segment.item;
    return within === 0 ? segment.group.item : (segment.lines ?? segment.group.visibleIds)[within - 1]!;
  }

  /** Where a row is shown, or -1 (filtered out, or its run folded). */
  indexOf(id: string): number {
    const group = this.groupOf(id);
    const runAt = group ? this.runSegment.get(group) : undefined;
    if (runAt !== undefined) {
      const segment = this.segments[runAt] as Extract<Segment, { kind: 'run' }>;
      const within = segment.open ? (segment.lines ?? segment.group.visibleIds).indexOf(id) : -1;
      return within < 0 ? -1 : this.offsets[runAt]! + 1 + within;
    }
    const at = this.visible.indexOf(id);
    if (at < 0) return -1;
    for (let i = 0; i < this.segments.length; i++) {
      const segment = this.segments[i]!;
      if (segment.kind === 'rows' && at >= segment.from && at < segment.to) return this.offsets[i]! + at - segment.from;
    }
    return -1;
  }

  /** The rows shown, in order. */
  rows(): string[] {
    const rows: string[] = [];
    for (const segment of this.segments) {
      if (segment.kind === 'rows') for (let i = segment.from; i < segment.to; i++) rows.push(segment.ids[i]!);
      else if (segment.kind === 'run' && segment.open) for (const id of segment.group.visibleIds) rows.push(id);
      // (Gap lines are not rows: keyboard navigation skips them.)
    }
    return rows;
  }
}

export class TimelineModel {
  readonly byId = new Map<string, ExchangeSummary>();
  /** Rows in start order, and each id's place in it (filtering walks the array, not the map). */
  private rows: ExchangeSummary[] = [];
  private readonly position = new Map<string, number>();
  /** Ids passing the filter, in start order. */
  visible: string[] = [];
  /** 1 where the row at that position passes the filter. */
  private mask = new Uint8Array(1024);
  private readonly merged = new Map<string, string>();
  private readonly runMerged = new Map<string, string>();
  /** Runs by their (resolved) id, and the run of each row position. */
  private readonly groups = new Map<string, RunGroup>();
  private rowGroup: RunGroup[] = [];
  /** Boundaries the user marked, oldest first. */
  boundaries: Boundary[] = [];
  /** Rows under their run's header (true), or one flat list (false). */
  grouped = true;
  /** Runs whose rows are folded under their header. */
  readonly collapsed = new Set<string>();
  private displayCache?: TimelineDisplay;
  private describeCache = new Map<string, { revision: number; epoch: number; description: RunDescription }>();
  /** Grows when run numbering may change (a run, a connection merge, a boundary). */
  private epoch = 0;
  private numbering?: { epoch: number; byRun: Map<string, { run: number; runs: number; previous?: RunGroup }> };
  query: ParsedQuery = parseQuery('');
  private searchHits?: ReadonlySet<string>;
  /** Client families seen (for the filter menu), and counts kept as rows change. */
  readonly families = new Set<string>();
  readonly counts = { failed: 0, paused: 0 };
  readonly context: FilterContext;
  /** The rows of each multi-round-trip conversation (by its first exchange's id), in round order. */
  private readonly conversations = new Map<string, string[]>();
  /** Rows that are a leg of the browser's trip to another authorization server (few), and the gaps they pair into. */
  private readonly legs = new Map<string, BrowserLeg>();
  private gapCache?: { gaps: BrowserGap[]; byAuthorize: Map<string, GapItem> };

  constructor() {
    const model = this;
    this.context = {
      resolveConnection: (id) => model.resolveConnection(id),
      get searchHits() {
        return model.searchHits;
      },
    };
  }

  /** Ids in start order. */
  get order(): string[] {
    return this.rows.map((row) => row.id);
  }

  get size(): number {
    return this.rows.length;
  }

  /** Keeps a row that is a round of a multi-round-trip request in its conversation. */
  private noteRound(row: ExchangeSummary): void {
    if (!row.mrtr) return;
    const ids = this.conversations.get(row.mrtr.conversation) ?? [];
    if (ids.includes(row.id)) return;
    ids.push(row.id);
    ids.sort((a, b) => this.byId.get(a)!.mrtr!.round - this.byId.get(b)!.mrtr!.round);
    this.conversations.set(row.mrtr.conversation, ids);
  }

  /** Keeps a row's browser leg (a row may gain one when its response arrives). */
  private noteLeg(row: ExchangeSummary): void {
    const known = this.legs.get(row.id);
    if (row.browserLeg ? known?.at === row.browserLeg.at && known.kind === row.browserLeg.kind : !known) return;
    if (row.browserLeg) this.legs.set(row.id, row.browserLeg);
    else this.legs.delete(row.id);
    this.gapCache = undefined;
    this.changed();
  }

  private gapIndex(): NonNullable<TimelineModel['gapCache']> {
    if (!this.gapCache) {
      const gaps = pairBrowserLegs([...this.legs].map(([id, leg]) => ({ id, leg })));
      this.gapCache = { gaps, byAuthorize: new Map(gaps.map((gap) => [gap.authorizeId, { kind: 'gap', gap }])) };
    }
    return this.gapCache;
  }

  /** The browser's gaps of every row held (shared/browserGap.ts), in the order the browser left. */
  browserGaps(): BrowserGap[] {
    return this.gapIndex().gaps;
  }

  /** The rows of a multi-round-trip conversation, in round order (empty for an unknown one). */
  conversation(id: string): ExchangeSummary[] {
    return (this.conversations.get(id) ?? []).map((rowId) => this.byId.get(rowId)!);
  }

  resolveConnection(id: string): string {
    return follow(this.merged, id);
  }

  /** The run a (maybe since merged) run id belongs to now. */
  resolveRun(id: string): string {
    return follow(this.runMerged, id);
  }

  private count(row: ExchangeSummary, sign: 1 | -1): void {
    if (isFailed(row.outcome)) this.counts.failed += sign;
    if (row.paused) this.counts.paused += sign;
  }

  private reset(): void {
    this.byId.clear();
    this.position.clear();
    this.rows = [];
    this.visible = [];
    this.groups.clear();
    this.rowGroup = [];
    this.describeCache.clear();
    this.changed();
    this.families.clear();
    this.conversations.clear();
    this.legs.clear();
    this.gapCache = undefined;
    this.counts.failed = 0;
    this.counts.paused = 0;
  }

  /** Appends a row never seen before. */
  private append(row: ExchangeSummary): number {
    const at = this.rows.length;
    this.rows.push(row);
    this.position.set(row.id, at);
    this.byId.set(row.id, row);
    this.families.add(row.clientFamily);
    this.count(row, 1);
    this.noteRound(row);
    this.noteLeg(row);
    this.joinGroup(at, row);
    if (at >= this.mask.length) {
      const grown = new Uint8Array(this.mask.length * 2);
      grown.set(this.mask);
      this.mask = grown;
    }
    return at;
  }

  /** Replaces everything (a fresh list from the core, or a capture opened). */
  load(rows: ExchangeSummary[]): void {
    this.reset();
    for (const row of rows) {
      const at = this.position.get(row.id);
      if (at === undefined) this.append(row);
      else this.replace(at, row);
    }
    this.refilter();
  }

  private replace(at: number, row: ExchangeSummary): void {
    this.count(this.rows[at]!, -1);
    this.rows[at] = row;
    this.byId.set(row.id, row);
    this.families.add(row.clientFamily);
    this.count(row, 1);
    this.noteRound(row);
    this.noteLeg(row);
    const group = this.rowGroup[at]!;
    if (group.key !== this.resolveRun(row.runId ?? '')) {
      // Placed in a run only now (or in another one): move it.
      remove(group.rowIds, row.id);
      remove(group.visibleIds, row.id);
      group.revision++;
      if (group.rowIds.length === 0) this.groups.delete(group.key);
      this.joinGroup(at, row, true);
      this.epoch++;
    } else {
      group.revision++;
      if (!group.connectionId && row.connectionId) {
        group.connectionId = row.connectionId;
        this.epoch++;
      }
    }
    this.changed();
  }

  /** Puts the row at `at` in its run's group (visible or not is decided by the caller or a refilter). */
  private joinGroup(at: number, row: ExchangeSummary, keepVisible = false): void {
    const key = this.resolveRun(row.runId ?? '');
    let group = this.groups.get(key);
    if (!group) {
      group = newGroup(key, row.startedAt);
      this.groups.set(key, group);
      this.epoch++;
    }
    if (keepVisible) {
      insertByPosition(group.rowIds, row.id, this.position);
      if (this.mask[at] === 1) insertByPosition(group.visibleIds, row.id, this.position);
    } else group.rowIds.push(row.id);
    if (row.startedAt < group.start) {
      group.start = row.startedAt;
      this.epoch++;
    }
    if (row.startedAt > group.last) group.last = row.startedAt;
    if (!group.connectionId && row.connectionId) {
      group.connectionId = row.connectionId;
      this.epoch++;
    }
    group.revision++;
    this.rowGroup[at] = group;
    this.changed();
  }

  /** Two runs turned out to be one: `from`'s rows join `into`'s. */
  private mergeRun(from: string, into: string): void {
    this.runMerged.set(from, into);
    const source = this.groups.get(from);
    const target = this.resolveRun(into);
    if (!source || target === from) return;
    this.groups.delete(from);
    let group = this.groups.get(target);
    if (!group) {
      group = newGroup(target, source.start);
      this.groups.set(target, group);
    }
    group.rowIds = mergeByPosition(group.rowIds, source.rowIds, this.position);
    group.visibleIds = mergeByPosition(group.visibleIds, source.visibleIds, this.position);
    group.start = Math.min(group.start, source.start);
    group.last = Math.max(group.last, source.last);
    group.connectionId ??= source.connectionId;
    group.revision++;
    for (const id of source.rowIds) this.rowGroup[this.position.get(id)!] = group;
    if (this.collapsed.delete(from)) this.collapsed.add(target);
    this.epoch++;
    this.changed();
  }

  /** Something the grouped view shows changed: rebuild it when next read. */
  private changed(): void {
    this.displayCache = undefined;
  }

  /** Merges a list fetched while events were already flowing: the higher revision wins. */
  mergeList(rows: ExchangeSummary[]): void {
    const newest = new Map(this.rows.map((row) => [row.id, row]));
    for (const row of rows) {
      const current = newest.get(row.id);
      if (!current || current.revision < row.revision) newest.set(row.id, row);
    }
    this.load([...newest.values()].sort((a, b) => a.startedAt - b.startedAt));
  }

  /** Applies one batch of events. Returns whether anything changed. */
  apply(events: ControlEvent[], onError?: (err: unknown) => void): boolean {
    let changed = false;
    let needsRefilter = false;
    for (const event of events) {
      try {
        switch (event.type) {
          case 'exchange': {
            const row = event.exchange;
            const at = this.position.get(row.id);
            if (at !== undefined && this.rows[at]!.revision >= row.revision) break;
            changed = true;
            const passes = matchesQuery(row, this.query, this.context);
            if (at === undefined) {
              const added = this.append(row);
              this.mask[added] = passes ? 1 : 0;
              if (passes) {
                this.visible.push(row.id);
                this.rowGroup[added]!.visibleIds.push(row.id);
              }
            } else {
              this.replace(at, row);
              if (passes !== (this.mask[at] === 1)) needsRefilter = true; // membership changed: rebuild to keep the order
            }
            break;
          }
          case 'connection-merged':
            this.merged.set(event.from, event.into);
            changed = true;
            this.epoch++;
            this.changed();
            needsRefilter ||= this.query.filters.some((f) => f.definition.key === 'session');
            break;
          case 'run-merged':
            this.mergeRun(event.from, event.into);
            changed = true;
            break;
          case 'boundary':
            changed = this.addBoundary(event.boundary) || changed;
            break;
          case 'cleared':
            this.reset();
            // Boundaries stay in the core, but the ones before the clear divide nothing shown.
            this.boundaries = [];
            changed = true;
            break;
          default:
            break;
        }
      } catch (err) {
        onError?.(err); // one bad event must not lose the batch
      }
    }
    if (needsRefilter) this.refilter();
    return changed;
  }

  setQuery(query: string): ParsedQuery {
    this.query = parseQuery(query);
    this.refilter();
    return this.query;
  }

  setSearchHits(hits: ReadonlySet<string> | undefined): void {
    const same = hits === this.searchHits;
    this.searchHits = hits;
    // Hits only matter to free words: a query without them was filtered already (no second pass).
    if (!same && this.query.text.length > 0) this.refilter();
  }

  refilter(): void {
    const { rows, mask, query, context, rowGroup } = this;
    const trivial = query.filters.length === 0 && query.text.length === 0;
    if (trivial) {
      // Everything passes: copy, don't test.
      const all = new Array<string>(rows.length);
      for (let i = 0; i < rows.length; i++) all[i] = rows[i]!.id;
      mask.fill(1, 0, rows.length);
      for (const group of this.groups.values()) group.visibleIds = group.rowIds.slice();
      this.visible = all;
      this.changed();
      return;
    }
    const visible: string[] = [];
    for (const group of this.groups.values()) group.visibleIds = [];
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      const passes = matchesQuery(row, query, context);
      mask[i] = passes ? 1 : 0;
      if (passes) {
        visible.push(row.id);
        rowGroup[i]!.visibleIds.push(row.id);
      }
    }
    this.visible = visible;
    this.changed();
  }

  /** Whether a filter is in force (then runs with no matching row are left out). */
  get filtered(): boolean {
    return this.query.filters.length > 0 || this.query.text.length > 0;
  }

  // ------------------------------------------------------------------ runs and boundaries

  /** Adds a boundary (from `boundaries.mark`, the `boundary` event or `boundaries.list`); false if known. */
  addBoundary(boundary: Boundary): boolean {
    if (this.boundaries.some((b) => b.id === boundary.id)) return false;
    this.boundaries = [...this.boundaries, boundary].sort((a, b) => a.at - b.at);
    this.epoch++;
    this.changed();
    return true;
  }

  setBoundaries(boundaries: readonly Boundary[]): void {
    this.boundaries = [...boundaries].sort((a, b) => a.at - b.at);
    this.epoch++;
    this.changed();
  }

  setGrouped(grouped: boolean): void {
    this.grouped = grouped;
    this.changed();
  }

  /** Folds a run's rows under its header, or shows them again. */
  setCollapsed(key: string, collapsed: boolean): void {
    if (collapsed) this.collapsed.add(key);
    else this.collapsed.delete(key);
    this.changed();
  }

  /** Folds every run (true) or none (false). */
  collapseAll(collapsed: boolean): void {
    this.collapsed.clear();
    if (collapsed) for (const key of this.groups.keys()) this.collapsed.add(key);
    this.changed();
  }

  /** The run a row belongs to. */
  groupOf(id: string): RunGroup | undefined {
    const at = this.position.get(id);
    return at === undefined ? undefined : this.rowGroup[at];
  }

  /** Runs in start order. */
  runGroups(): RunGroup[] {
    return [...this.groups.values()].sort((a, b) => a.start - b.start);
  }

  run(key: string): RunGroup | undefined {
    return this.groups.get(this.resolveRun(key));
  }

  /**
   * What the timeline shows, top to bottom (run headers, rows, boundary dividers), without
   * materialising it: a list of segments with their offsets, so a filter over 100k rows in 2000
   * runs builds 2000 entries, and the virtual list asks only for the lines on screen.
   */
  get display(): TimelineDisplay {
    this.displayCache ??= this.buildDisplay();
    return this.displayCache;
  }

  /** Every line shown, materialised (tests, and anything that needs them all). */
  get items(): TimelineItem[] {
    const { display } = this;
    return Array.from({ length: display.length }, (_, i) => display.at(i));
  }

  /** The rows shown, in the order shown (keyboard navigation follows it). */
  get shownRows(): string[] {
    return this.display.rows();
  }

  private buildDisplay(): TimelineDisplay {
    const segments: Segment[] = [];
    const marks = this.boundaries;
    let next = 0;
    if (!this.grouped) {
      // The visible rows cut where boundaries fall (rows are in start order).
      const { visible, byId } = this;
      let from = 0;
      while (next < marks.length && from <= visible.length) {
        const at = marks[next]!.at;
        let lo = from;
        let hi = visible.length;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (byId.get(visible[mid]!)!.startedAt < at) lo = mid + 1;
          else hi = mid;
        }
        if (lo === visible.length && this.rows.length === 0) break;
        if (lo > from) segments.push({ kind: 'rows', ids: visible, from, to: lo });
        segments.push({ kind: 'boundary', item: { kind: 'boundary', boundary: marks[next++]! } });
        from = lo;
      }
      if (from < visible.length) segments.push({ kind: 'rows', ids: visible, from, to: visible.length });
      this.splitAtGaps(segments);
    } else {
      const filtered = this.filtered;
      for (const group of this.runGroups()) {
        if (group.visibleIds.length === 0 && (filtered || group.rowIds.length === 0)) continue;
        while (next < marks.length && marks[next]!.at <= group.start) segments.push({ kind: 'boundary', item: { kind: 'boundary', boundary: marks[next++]! } });
        segments.push({ kind: 'run', group, open: !this.collapsed.has(group.key), ...this.runLines(group) });
      }
      // Boundaries after everything shown (one just marked) close the list.
      if (this.rows.length > 0) while (next < marks.length) segments.push({ kind: 'boundary', item: { kind: 'boundary', boundary: marks[next++]! } });
    }
    return new TimelineDisplay(segments, (id) => this.groupOf(id), this.visible);
  }
  /** A run's visible rows with a gap line under each authorize row the browser left from, when it has any. */
  private runLines(group: RunGroup): { lines?: Array<string | GapItem> } {
    const { byAuthorize } = this.gapIndex();
    // Only the runs an authorize row with a gap belongs to are walked (few), not every run's rows.
    if (byAuthorize.size === 0 || ![...byAuthorize.keys()].some((id) => this.groupOf(id) === group)) return {};
    return { lines: group.visibleIds.flatMap((id) => (byAuthorize.has(id) ? [id, byAuthorize.get(id)!] : [id])) };
  }

  /** The flat list: cuts its row segments under each authorize row the browser left from, for the gap line. */
  private splitAtGaps(segments: Segment[]): void {
    const { byAuthorize } = this.gapIndex();
    if (byAuthorize.size === 0) return;
    // Where each shown authorize row is in `visible` (in start order, like the rows): found by
    // position, not by walking every row.
    const cuts: Array<{ at: number; item: GapItem }> = [];
    for (const [id, item] of byAuthorize) {
      const position = this.position.get(id);
      if (position === undefined || this.mask[position] !== 1) continue;
      let lo = 0;
      let hi = this.visible.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (this.position.get(this.visible[mid]!)! < position) lo = mid + 1;
        else hi = mid;
      }
      cuts.push({ at: lo, item });
    }
    cuts.sort((a, b) => a.at - b.at);
    for (const { at, item } of cuts) {
      const i = segments.findIndex((segment) => segment.kind === 'rows' && at >= segment.from && at < segment.to);
      if (i === -1) continue;
      const segment = segments[i] as Extract<Segment, { kind: 'rows' }>;
      const rest: Segment[] = at + 1 < segment.to ? [{ kind: 'rows', ids: segment.ids, from: at + 1, to: segment.to }] : [];
      segments.splice(i, 1, { ...segment, to: at + 1 }, { kind: 'gap', item }, ...rest);
    }
  }

  /** Run numbers per connection ("run 2 of 3") and each run's previous run, recomputed only when runs change. */
  private runNumbers(): Map<string, { run: number; runs: number; previous?: RunGroup }> {
    if (this.numbering?.epoch === this.epoch) return this.numbering.byRun;
    const byConnection = new Map<string, RunGroup[]>();
    for (const group of this.runGroups()) {
      const connection = group.connectionId ? this.resolveConnection(group.connectionId) : `run:${group.key}`;
      const list = byConnection.get(connection);
      if (list) list.push(group);
      else byConnection.set(connection, [group]);
    }
    const byRun = new Map<string, { run: number; runs: number; previous?: RunGroup }>();
    for (const list of byConnection.values()) list.forEach((group, i) => byRun.set(group.key, { run: i + 1, runs: list.length, previous: list[i - 1] }));
    this.numbering = { epoch: this.epoch, byRun };
    return byRun;
  }

  /** The client a row's run names (for a row that carries only a User-Agent, such as `node`). */
  runClientOf(id: string): string | undefined {
    const group = this.groupOf(id);
    return group ? this.describe(group).client : undefined;
  }

  /** A run's header: client, run n of N and why it began, verdict (runVerdict), span, lint; cached until one of its rows changes. */
  describe(group: RunGroup): RunDescription {
    const cached = this.describeCache.get(group.key);
    if (cached && cached.revision === group.revision && cached.epoch === this.epoch) return cached.description;
    const rows = group.rowIds.map((id) => this.byId.get(id)!);
    const { run, runs, previous } = this.runNumbers().get(group.key) ?? { run: 1, runs: 1 };
    // As the core says it: a boundary between the connection's previous run and this one began it.
    const boundary = previous ? this.boundaries.find((b) => b.at > previous.last && b.at <= group.start) : undefined;
    const description: RunDescription = {
      id: group.key,
      connectionId: group.connectionId ? this.resolveConnection(group.connectionId) : undefined,
      run,
      runs,
      startedBy: previous ? (boundary ? 'boundary' : 'start-over') : 'first',
      ...(boundary ? { boundary } : {}),
      ...judgeRun(rows, previous ? this.knownClient(previous) : undefined),
    };
    this.describeCache.set(group.key, { revision: group.revision, epoch: this.epoch, description });
    return description;
  }

  /** The client name a run, or the runs of its connection before it, gave in an initialize. */
  private knownClient(group: RunGroup): string | undefined {
    for (let run: RunGroup | undefined = group; run; run = this.runNumbers().get(run.key)?.previous) {
      const name = namedClient(run.rowIds.map((id) => this.byId.get(id)!));
      if (name) return name;
    }
    return undefined;
  }

  /** Rows of one run (merges followed), in start order. */
  runRows(key: string): ExchangeSummary[] {
    return (this.run(key)?.rowIds ?? []).map((id) => this.byId.get(id)!);
  }

  /** Rows of one connection (merges followed), in order. */
  connection(id: string): ExchangeSummary[] {
    const root = this.resolveConnection(id);
    return this.rows.filter((row) => row.connectionId !== undefined && this.resolveConnection(row.connectionId) === root);
  }

  /** Connections seen, newest activity first, with their row count. */
  connections(): Array<{ id: string; rows: number; last: number; client: string }> {
    const seen = new Map<string, { id: string; rows: number; last: number; client: string }>();
    for (const row of this.rows) {
      if (!row.connectionId) continue;
      const root = this.resolveConnection(row.connectionId);
      const entry = seen.get(root) ?? { id: root, rows: 0, last: 0, client: row.clientLabel };
      entry.rows++;
      entry.last = Math.max(entry.last, row.startedAt);
      seen.set(root, entry);
    }
    return [...seen.values()].sort((a, b) => b.last - a.last);
  }
}

function follow(merged: Map<string, string>, id: string): string {
  let current = id;
  for (let i = 0; i < 64; i++) {
    const next = merged.get(current);
    if (!next) break;
    current = next;
  }
  return current;
}

function newGroup(key: string, start: number): RunGroup {
  const group = { key, rowIds: [], visibleIds: [], start, last: start, revision: 0 } as unknown as RunGroup & { item: RunGroup['item'] };
  (group as { item: RunGroup['item'] }).item = { kind: 'run', group };
  return group;
}

function remove(list: string[], id: string): void {
  const at = list.lastIndexOf(id);
  if (at >= 0) list.splice(at, 1);
}

/** Inserts an id keeping the list in row order. */
function insertByPosition(list: string[], id: string, position: ReadonlyMap<string, number>): void {
  const at = position.get(id)!;
  let i = list.length;
  while (i > 0 && position.get(list[i - 1]!)! > at) i--;
  list.splice(i, 0, id);
}

/** Two id lists in row order, as one in row order. */
function mergeByPosition(a: string[], b: string[], position: ReadonlyMap<string, number>): string[] {
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) out.push(position.get(a[i]!)! <= position.get(b[j]!)! ? a[i++]! : b[j++]!);
  while (i < a.length) out.push(a[i++]!);
  while (j < b.length) out.push(b[j++]!);
  return out;
}
