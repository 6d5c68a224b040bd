import type { ControlEvent, ExchangeSummary } from '../../../shared/controlApi';
import { isFailed } from '../../../shared/outcome';
import { matchesQuery, parseQuery, type FilterContext, type ParsedQuery } from '../lib/filters';

// The timeline as plain data, no React: rows normalised by id plus their order, the filtered
// view kept up to date incrementally (a batch only re-tests the rows it touched), and the
// connection merges the core announces. The zustand store wraps one of these.

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
  query: ParsedQuery = parseQuery('');
  private searchHits?: ReadonlySet<string>;
  /** Client families seen (for the filter menu), and counts kept as rows change. */
  readonly families = new Set<string>();
  readonly counts = { failed: 0, paused: 0 };
  readonly context: FilterContext;

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

  resolveConnection(id: string): string {
    let current = id;
    for (let i = 0; i < 64; i++) {
      const next = this.merged.get(current);
      if (!next) break;
      current = next;
    }
    return current;
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
    this.families.clear();
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
              if (passes) this.visible.push(row.id);
            } else {
              this.replace(at, row);
              if (passes !== (this.mask[at] === 1)) needsRefilter = true; // membership changed: rebuild to keep the order
            }
            break;
          }
          case 'connection-merged':
            this.merged.set(event.from, event.into);
            changed = true;
            needsRefilter ||= this.query.filters.some((f) => f.definition.key === 'session');
            break;
          case 'cleared':
            this.reset();
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
    this.searchHits = hits;
    this.refilter();
  }

  refilter(): void {
    const { rows, mask, query, context } = this;
    const visible: string[] = [];
    const trivial = query.filters.length === 0 && query.text.length === 0;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      const passes = trivial || matchesQuery(row, query, context);
      mask[i] = passes ? 1 : 0;
      if (passes) visible.push(row.id);
    }
    this.visible = visible;
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
