import { lazy, Suspense, useEffect, useRef } from 'react';
import type { ControlClient } from '../../shared/controlApi';
import { Banners } from './components/Banners';
import { CapturesScreen } from './components/CapturesScreen';
import { ErrorBoundary } from './components/ErrorBoundary';
import { HandshakeView } from './components/HandshakeView';
import { StatusBar } from './components/StatusBar';
import { Timeline } from './components/Timeline';
import { TogglesPanel } from './components/TogglesPanel';
import { useApp, type View } from './state/store';

// Screens a session may never open load on demand, each as its own chunk: the first paint
// carries only the timeline and what every session uses.
const SimulateScreen = lazy(() => import('./components/SimulateScreen').then((m) => ({ default: m.SimulateScreen })));
const CompareScreen = lazy(() => import('./components/CompareScreen').then((m) => ({ default: m.CompareScreen })));
const SettingsScreen = lazy(() => import('./components/SettingsScreen').then((m) => ({ default: m.SettingsScreen })));
const TunnelPanel = lazy(() => import('./components/TunnelPanel').then((m) => ({ default: m.TunnelPanel })));

const VIEWS: Array<{ id: View; label: string }> = [
  { id: 'timeline', label: 'Timeline' },
  { id: 'handshake', label: 'Handshake' },
  { id: 'toggles', label: 'Toggles & rules' },
  { id: 'captures', label: 'Captures' },
  { id: 'simulate', label: 'Simulate' },
  { id: 'compare', label: 'Compare' },
  { id: 'tunnel', label: 'Tunnel' },
  { id: 'settings', label: 'Settings' },
];

function typingIn(target: EventTarget | null): boolean {
  const element = target as HTMLElement | null;
  return !!element && (element.tagName === 'INPUT' || element.tagName === 'TEXTAREA' || element.tagName === 'SELECT' || element.isContentEditable);
}

/** Timeline shortcuts; keys typed into a field stay in the field. */
function useShortcuts(filterRef: React.RefObject<HTMLInputElement | null>) {
  const step = useApp((s) => s.step);
  const select = useApp((s) => s.select);
  const setView = useApp((s) => s.setView);
  const clear = useApp((s) => s.clear);
  const setQuery = useApp((s) => s.setQuery);
  const markBoundary = useApp((s) => s.markBoundary);
  const viewingCapture = useApp((s) => !!s.source.capture);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'l' && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        void clear();
        return;
      }
      if (typingIn(event.target)) {
        if (event.key === 'Escape' && event.target === filterRef.current) {
          setQuery('');
          filterRef.current?.blur();
        }
        return;
      }
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      const view = Number(event.key);
      if (view >= 1 && view <= VIEWS.length) return setView(VIEWS[view - 1]!.id);
      switch (event.key) {
        case 'j':
        case 'ArrowDown':
          event.preventDefault();
          return step(1);
        case 'k':
        case 'ArrowUp':
          event.preventDefault();
          return step(-1);
        case 'Home':
          return step(-Infinity);
        case 'End':
          return step(Infinity);
        case '/':
          event.preventDefault();
          setView('timeline');
          return void setTimeout(() => filterRef.current?.focus());
        case 'Escape':
          return select(undefined);
        case 'm':
          // A boundary now, with the default label ("boundary 12:03:04"): the live session only.
          if (!viewingCapture) void markBoundary();
          return;
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [step, select, setView, clear, setQuery, filterRef, markBoundary, viewingCapture]);
}

export function App({ client }: { client: ControlClient }) {
  const start = useApp((s) => s.start);
  const view = useApp((s) => s.view);
  const setView = useApp((s) => s.setView);
  const connection = useApp((s) => s.connection);
  const filterRef = useRef<HTMLInputElement>(null);
  useEffect(() => start(client), [start, client]);
  useShortcuts(filterRef);

  return (
    <div className="app">
      <StatusBar />
      <nav className="views" role="tablist" aria-label="Screens">
        {VIEWS.map((v, i) => (
          <button key={v.id} role="tab" aria-selected={view === v.id} className={view === v.id ? 'active' : ''} onClick={() => setView(v.id)} title={`${v.label} (${i + 1})`}>
            {v.label}
          </button>
        ))}
      </nav>
      <Banners />
      <main className="screen">
        {connection.state === 'unauthorized' ? (
          <NoAccess />
        ) : (
          <ErrorBoundary name={view} key={view}>
            <Suspense fallback={<p role="status" data-testid="screen-loading">Loading…</p>}>
              {view === 'timeline' && <Timeline filterRef={filterRef} />}
              {view === 'handshake' && <HandshakeView />}
              {view === 'toggles' && <TogglesPanel />}
              {view === 'captures' && <CapturesScreen />}
              {view === 'simulate' && <SimulateScreen />}
              {view === 'compare' && <CompareScreen />}
              {view === 'settings' && <SettingsScreen />}
              {view === 'tunnel' && <TunnelPanel />}
            </Suspense>
          </ErrorBoundary>
        )}
      </main>
    </div>
  );
}

/**
 * Shown instead of the screens when the core refuses this page's token: what to do, and no
 * onboarding (this page can't know the inspector's ports or URLs without the token).
 */
function NoAccess() {
  return (
    <div className="empty" data-testid="no-access">
      <h2>This page has no access to the inspector</h2>
      <p>The inspector’s UI needs the access token it prints when it starts. Each start makes a new one, so a bookmark or an old tab stops working.</p>
      <ol>
        <li>
          Find the line <code>Inspector UI (keep this URL private, it carries the access token)</code> in the terminal where the inspector runs.
        </li>
        <li>
          Open the URL under it (it ends in <code>?token=…</code>). The token is then kept for this address, and removed from the address bar.
        </li>
      </ol>
    </div>
  );
}

/** Shown instead of the app when the page can't reach the core at all. */
export function Unreachable({ reason }: { reason: string }) {
  return (
    <div className="app">
      <div className="banner error" role="alert">
        {reason}
      </div>
    </div>
  );
}
