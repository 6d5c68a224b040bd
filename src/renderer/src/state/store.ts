import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import { createStore, type StoreApi } from 'zustand/vanilla';
import type {
  CaptureInfo,
  ClientProfileInfo,
  CommandName,
  CommandParams,
  CommandResult,
  ConnectionState,
  ControlClient,
  ControlEvent,
  InspectorStatus,
  Settings,
  SimulateRunParams,
} from '../../../shared/controlApi';
import type { Boundary } from '../../../shared/exchange';
import type { LintRule } from '../../../shared/lint';
import type { BehaviorPreset } from '../../../shared/profile';
import type { Scenario, ScenarioRunResult, SimulationResult } from '../../../shared/simulator';
import type { Toggle } from '../../../shared/toggles';
import { defaultBoundaryLabel } from '../lib/runs';
import { FrameBatcher, type Scheduler } from './batcher';
import { TimelineModel } from './timeline';

// The app's state. Timeline rows live in a TimelineModel (mutable, normalised); the store
// holds a `version` that grows with every applied batch so components re-render once per
// batch, and everything else the screens show.

export type View = 'timeline' | 'handshake' | 'toggles' | 'captures' | 'simulate' | 'compare' | 'tunnel' | 'settings';

export interface Banner {
  id: number;
  kind: 'error' | 'info';
  text: string;
  /** An optional action shown as a button. */
  action?: { label: string; run: () => void };
}

export interface AppState {
  client?: ControlClient;
  connection: ConnectionState | { state: 'connecting' };
  status?: InspectorStatus;
  settings?: Settings;
  toggles: Toggle[];
  presets: BehaviorPreset[];
  captures: CaptureInfo[];
  /** The lint rule catalogue, for titles, sources and fixes next to findings. */
  lintRules: LintRule[];
  /** Client profiles and bug-report scenarios, loaded when the Simulate screen first opens. */
  profiles: ClientProfileInfo[];
  scenarios: Scenario[];
  /** The Simulate screen's last run (kept while the user looks elsewhere). */
  simulation: { running: boolean; params?: SimulateRunParams; result?: SimulationResult };
  scenarioRun: { running?: string; result?: ScenarioRunResult; fixed?: boolean };
  /** Grows with every change of the timeline model. */
  version: number;
  query: string;
  queryProblems: string[];
  selectedId?: string;
  /** Live, or a capture opened from disk. */
  source: { capture?: string; name?: string };
  /** Live exchanges that arrived while a capture was shown. */
  liveWhileAway: number;
  view: View;
  banners: Banner[];
  /** The timeline shows rows under their client run's header (false: one flat list). */
  grouped: boolean;
}

export interface AppActions {
  start(client: ControlClient): () => void;
  /** Runs a command; a failure becomes an error banner and `undefined`. */
  run<K extends CommandName>(name: K, ...params: CommandParams<K> extends undefined ? [] : [CommandParams<K>]): Promise<CommandResult<K> | undefined>;
  setQuery(query: string): void;
  select(id: string | undefined): void;
  /** Selects a row and unfolds its run if it was folded (a verdict's "failed at" link). */
  reveal(id: string): void;
  setGrouped(grouped: boolean): void;
  /** Folds one run's rows under its header (or unfolds them); `undefined` key: every run. */
  setCollapsed(key: string | undefined, collapsed: boolean): void;
  /** Marks a boundary now (label: "boundary 12:03:04" when none is given); the divider shows at once. */
  markBoundary(label?: string): Promise<Boundary | undefined>;
  /** Moves the selection through the visible rows (+1 next, -1 previous). */
  step(delta: number): void;
  setView(view: View): void;
  clear(): Promise<void>;
  openCapture(capture: CaptureInfo): Promise<void>;
  backToLive(): Promise<void>;
  refreshCaptures(): Promise<void>;
  notify(kind: Banner['kind'], text: string, action?: Banner['action']): void;
  dismiss(id: number): void;
  loadSimulator(): Promise<void>;
  /** Runs a client profile; its exchanges arrive in the timeline like any others. */
  simulate(params: SimulateRunParams): Promise<SimulationResult | undefined>;
  runScenario(id: string, fixed: boolean): Promise<ScenarioRunResult | undefined>;
  /** Shows the live timeline filtered by `query`. */
  showInTimeline(query: string): Promise<void>;
}

export type AppStore = StoreApi<AppState & AppActions>;

let bannerIds = 0;

export function createAppStore(model = new TimelineModel(), scheduler?: Scheduler): AppStore {
  let searchTimer: ReturnType<typeof setTimeout> | undefined;
  let searchSeq = 0;

  const store = createStore<AppState & AppActions>()((set, get) => {
    const bump = () => set((s) => ({ version: s.version + 1 }));

    const applyBatch = (events: ControlEvent[]) => {
      const { source } = get();
      const timelineEvents = source.capture ? events.filter((e) => e.type !== 'exchange' && e.type !== 'cleared' && e.type !== 'boundary') : events;
      const away = source.capture ? events.length - timelineEvents.length : 0;
      const changed = model.apply(timelineEvents, (err) => console.error('A timeline event could not be applied', err));
      const patch: Partial<AppState> = {};
      for (const event of events) {
        if (event.type === 'status') patch.status = event.status;
        if (event.type === 'captures-changed') {
          void get().refreshCaptures();
          if (event.imported) {
            const imported = event.imported;
            get().notify('info', `Imported “${imported.name}” (${imported.exchanges} exchanges).`, { label: 'Open it', run: () => void get().openCapture(imported) });
          }
        }
      }
      if (away) patch.liveWhileAway = get().liveWhileAway + away;
      if (changed) patch.version = get().version + 1;
      if (Object.keys(patch).length) set(patch);
    };

    const searchBodies = () => {
      clearTimeout(searchTimer);
      const words = model.query.text;
      if (words.length === 0) {
        model.setSearchHits(undefined);
        return;
      }
      // The core searches headers and bodies (the rows here don't carry them); the longest word narrows most.
      const text = [...words].sort((a, b) => b.length - a.length)[0]!;
      const seq = ++searchSeq;
      searchTimer = setTimeout(async () => {
        const ids = await get().run('exchanges.search', { text, capture: get().source.capture });
        if (!ids || seq !== searchSeq) return;
        model.setSearchHits(new Set(ids));
        bump();
      }, 200);
    };

    return {
      connection: { state: 'connecting' },
      toggles: [],
      presets: [],
      captures: [],
      lintRules: [],
      profiles: [],
      scenarios: [],
      simulation: { running: false },
      scenarioRun: {},
      version: 0,
      query: '',
      queryProblems: [],
      source: {},
      liveWhileAway: 0,
      view: 'timeline',
      banners: [],
      grouped: true,

      start(client) {
        set({ client });
        const batcher = new FrameBatcher<ControlEvent>(applyBatch, scheduler);
        let first = true;
        const unsubscribe = client.subscribe(
          (events) => batcher.push(events),
          (connection) => {
            set({ connection });
            // Subscribed first, then listed: nothing falls between the two (revisions settle overlaps).
            if (connection.state === 'open') {
              void (async () => {
                const [status, rows, toggles, presets, settings, lintRules, boundaries] = await Promise.all([
                  get().run('status'),
                  get().run('exchanges.list', { capture: get().source.capture }),
                  first ? get().run('toggles.list') : Promise.resolve(get().toggles),
                  first ? get().run('presets.list') : Promise.resolve(get().presets),
                  get().run('settings.get'),
                  first ? get().run('lint.rules') : Promise.resolve(get().lintRules),
                  get().run('boundaries.list', { capture: get().source.capture }),
                ]);
                first = false;
                if (rows) model.mergeList(rows);
                if (boundaries) for (const boundary of boundaries) model.addBoundary(boundary);
                if (rows || boundaries?.length) bump();
                set({ status: status ?? get().status, toggles: toggles ?? [], presets: presets ?? [], settings: settings ?? get().settings, lintRules: lintRules ?? [] });
                if (status?.error) get().notify('error', status.error);
                void get().refreshCaptures();
              })();
            }
          },
        );
        return () => {
          unsubscribe();
          batcher.dispose();
        };
      },

      async run(name, ...params) {
        const client = get().client;
        if (!client) return undefined;
        try {
          return await (client.call as (n: CommandName, ...p: unknown[]) => Promise<never>)(name, ...params);
        } catch (err) {
          get().notify('error', (err as Error).message);
          return undefined;
        }
      },

      setQuery(query) {
        const parsed = model.setQuery(query);
        set((s) => ({ query, queryProblems: parsed.problems, version: s.version + 1 }));
        searchBodies();
      },

      select(id) {
        set({ selectedId: id });
      },

      reveal(id) {
        const group = model.groupOf(id);
        if (group && model.collapsed.has(group.key)) model.setCollapsed(group.key, false);
        set((s) => ({ selectedId: id, version: s.version + 1 }));
      },

      setGrouped(grouped) {
        model.setGrouped(grouped);
        set((s) => ({ grouped, version: s.version + 1 }));
      },

      setCollapsed(key, collapsed) {
        if (key === undefined) model.collapseAll(collapsed);
        else model.setCollapsed(key, collapsed);
        bump();
      },

      async markBoundary(label) {
        const boundary = await get().run('boundaries.mark', { label: label?.trim() || defaultBoundaryLabel() });
        // The `boundary` event brings it too; whichever comes first draws the divider.
        if (boundary && model.addBoundary(boundary)) bump();
        return boundary;
      },

      step(delta) {
        const visible = model.shownRows;
        if (visible.length === 0) return;
        const current = get().selectedId;
        const index = current ? visible.indexOf(current) : -1;
        const next = !Number.isFinite(delta)
          ? delta > 0
            ? visible.length - 1
            : 0
          : index < 0
            ? delta > 0
              ? 0
              : visible.length - 1
            : Math.min(visible.length - 1, Math.max(0, index + delta));
        set({ selectedId: visible[next] });
      },

      setView(view) {
        set({ view });
        if (view === 'captures') void get().refreshCaptures();
      },

      async clear() {
        if (get().source.capture) return;
        const status = await get().run('exchanges.clear');
        if (status) set({ status, selectedId: undefined });
      },

      async openCapture(capture) {
        const [rows, boundaries] = await Promise.all([get().run('exchanges.list', { capture: capture.id }), get().run('boundaries.list', { capture: capture.id })]);
        if (!rows) return;
        set({ source: { capture: capture.id, name: capture.name }, selectedId: undefined, liveWhileAway: 0, view: 'timeline' });
        model.load(rows);
        model.setBoundaries(boundaries ?? []);
        bump();
      },

      async backToLive() {
        const [rows, boundaries] = await Promise.all([get().run('exchanges.list', {}), get().run('boundaries.list', {})]);
        if (!rows) return;
        set({ source: {}, selectedId: undefined, liveWhileAway: 0 });
        model.load(rows);
        model.setBoundaries(boundaries ?? []);
        bump();
      },

      async refreshCaptures() {
        const client = get().client;
        if (!client) return;
        try {
          set({ captures: await client.call('captures.list') });
        } catch {
          set({ captures: [] }); // captures off (--no-capture): the screen says so
        }
      },

      notify(kind, text, action) {
        // The same message twice in a row is one banner.
        if (get().banners.some((b) => b.text === text)) return;
        set((s) => ({ banners: [...s.banners.slice(-4), { id: ++bannerIds, kind, text, action }] }));
      },

      dismiss(id) {
        set((s) => ({ banners: s.banners.filter((b) => b.id !== id) }));
      },

      async loadSimulator() {
        if (get().profiles.length) return;
        const [profiles, scenarios] = await Promise.all([get().run('simulate.profiles'), get().run('scenarios.list')]);
        set({ profiles: profiles ?? [], scenarios: scenarios ?? [] });
      },

      async simulate(params) {
        set({ simulation: { running: true, params } });
        const result = await get().run('simulate.run', params);
        // A failed command keeps the previous result out of sight: the banner says why.
        set({ simulation: { running: false, params, result } });
        return result;
      },

      async runScenario(id, fixed) {
        set({ scenarioRun: { running: id } });
        const result = await get().run('scenarios.run', { id, fixed });
        set({ scenarioRun: { result, fixed } });
        if (result?.captureId) await get().refreshCaptures();
        return result;
      },

      async showInTimeline(query) {
        if (get().source.capture) await get().backToLive();
        get().setQuery(query);
        get().setView('timeline');
      },
    };
  });
  return store;
}

export const timeline = new TimelineModel();
export const appStore = createAppStore(timeline);

/** The store and timeline the components use: the app's own, or a test's. */
export const AppContext = createContext<{ store: AppStore; model: TimelineModel }>({ store: appStore, model: timeline });

export function useApp<T>(selector: (state: AppState & AppActions) => T): T {
  return useStore(useContext(AppContext).store, selector);
}

export function useTimeline(): TimelineModel {
  return useContext(AppContext).model;
}
