import type { ControlEvent, ExchangeSummary } from '../../../shared/controlApi';
import { matchesQuery, parseQuery, type FilterContext, type ParsedQuery } from '../lib/filters';

// The timeline as plain data, no React: rows normalised by id plus their order, the filtered
// view kept up to date incrementally (a batch only re-tests the rows it touched), and the
// connection merges the core announces. The zustand store wraps one of these.

export class TimelineModel {
  readonly byId = new Map<string, ExchangeSummary>();
  /** Ids in start order. */
  order: string[] = [];
  /** Ids passing the filter, in start order. */
  visible: string[] = [];
  private visibleSet = new Set<string>();
  private readonly merged = new Map<string, string>();
  query: ParsedQuery = parseQuery('');
  private searchHits?: ReadonlySet<string>;

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

  resolveConnection(id: string): string {
    let current = id;
    for (let i = 0; i < 64; i++) {
      const next = this.merged.get(current);
      if (!next) break;
      current = next;
    }
    return current;
  }

  /** Replaces everything (a fresh list from the core, or a capture opened). */
  load(rows: ExchangeSummary[]): void {
    this.byId.clear();
    this.order = [];
    for (const row of rows) {
      if (!this.byId.has(row.id)) this.order.push(row.id);
      this.byId.set(row.id, row);
    }
    this.refilter();
  }

  /** Merges a list fetched while events were already flowing: the higher revision wins. */
  mergeList(rows: ExchangeSummary[]): void {
    const known = new Set(this.order);
    const fresh = rows.filter((row) => !known.has(row.id));
    for (const row of rows) {
      const current = this.byId.get(row.id);
      if (!current || current.revision < row.revision) this.byId.set(row.id, row);
    }
    // Rows the list knew and the events didn't yet go first: they started earlier.
    this.order = [...fresh.map((r) => r.id), ...this.order];
    this.order.sort((a, b) => this.byId.get(a)!.startedAt - this.byId.get(b)!.startedAt);
    this.refilter();
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
            const current = this.byId.get(row.id);
            if (current && current.revision >= row.revision) break;
            this.byId.set(row.id, row);
            changed = true;
            const passes = matchesQuery(row, this.query, this.context);
            if (!current) {
              this.order.push(row.id);
              if (passes) {
                this.visible.push(row.id);
                this.visibleSet.add(row.id);
              }
            } else if (passes !== this.visibleSet.has(row.id)) {
              needsRefilter = true; // membership changed: rebuild to keep the order
            }
            break;
          }
          case 'connection-merged':
            this.merged.set(event.from, event.into);
            changed = true;
            needsRefilter ||= this.query.filters.some((f) => f.definition.key === 'session');
            break;
          case 'cleared':
            this.byId.clear();
            this.order = [];
            this.visible = [];
            this.visibleSet = new Set();
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
    const visible: string[] = [];
    const trivial = this.query.filters.length === 0 && this.query.text.length === 0;
    for (const id of this.order) {
      if (trivial || matchesQuery(this.byId.get(id)!, this.query, this.context)) visible.push(id);
    }
    this.visible = visible;
    this.visibleSet = new Set(visible);
  }

  /** Rows of one connection (merges followed), in order. */
  connection(id: string): ExchangeSummary[] {
    const root = this.resolveConnection(id);
    return this.order.map((i) => this.byId.get(i)!).filter((row) => row.connectionId !== undefined && this.resolveConnection(row.connectionId) === root);
  }

  /** Connections seen, newest activity first, with their row count. */
  connections(): Array<{ id: string; rows: number; last: number; client: string }> {
    const seen = new Map<string, { id: string; rows: number; last: number; client: string }>();
    for (const id of this.order) {
      const row = this.byId.get(id)!;
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
