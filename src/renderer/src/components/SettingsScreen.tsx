import { useEffect, useState } from 'react';
import { useApp } from '../state/store';

export const SHORTCUTS: Array<[string, string]> = [
  ['j / ↓', 'next exchange'],
  ['k / ↑', 'previous exchange'],
  ['Home / End', 'first / last exchange'],
  ['/', 'filter the timeline'],
  ['Esc', 'close the detail (or leave the filter box)'],
  ['Ctrl+L', 'clear the timeline'],
  ['← / →', 'on the divider beside the detail pane: make the pane wider / narrower (Shift: bigger steps, Enter: back to the default)'],
  ['m', 'mark a boundary: every client’s next exchange begins a new run'],
  ['1 … 8', 'timeline, handshake, toggles, captures, simulate, compare, tunnel, settings'],
];

export function SettingsScreen() {
  const status = useApp((s) => s.status);
  const settings = useApp((s) => s.settings);
  const run = useApp((s) => s.run);
  const notify = useApp((s) => s.notify);
  const [mode, setMode] = useState<'built-in' | 'url'>(status?.upstream.builtIn === false ? 'url' : 'built-in');
  const [url, setUrl] = useState(status?.upstream.builtIn === false ? (status.upstream.url ?? '') : '');
  const [interceptAs, setInterceptAs] = useState(status?.upstream.interceptAs === true);
  const [port, setPort] = useState(String(settings?.port ?? status?.port ?? 7420));
  useEffect(() => {
    if (status && !status.upstream.builtIn) setUrl(status.upstream.url ?? '');
    if (status) setInterceptAs(status.upstream.interceptAs === true);
  }, [status?.upstream.url, status?.upstream.interceptAs]);

  return (
    <div className="settings">
      <section>
        <h2>Upstream</h2>
        <p className="hint">Where the inspector forwards what clients send. Switching closes open connections; clients reconnect. Saved for the next start.</p>
        <label>
          <input type="radio" name="upstream" checked={mode === 'built-in'} onChange={() => setMode('built-in')} /> Built-in reference MCP + OAuth server
        </label>
        <label>
          <input type="radio" name="upstream" checked={mode === 'url'} onChange={() => setMode('url')} /> My own server:{' '}
          <input value={url} placeholder="http://127.0.0.1:8001" onChange={(e) => setUrl(e.target.value)} disabled={mode !== 'url'} aria-label="Upstream URL" />
        </label>
        <label>
          <input type="checkbox" checked={interceptAs} onChange={(e) => setInterceptAs(e.target.checked)} disabled={mode !== 'url'} /> Also front its authorization server when it is on another origin (--intercept-as: its discovery, registration, authorize and token requests are recorded too; remembered for this upstream)
        </label>
        <div className="actions">
          <button
            className="primary"
            onClick={async () => {
              const next = await run('upstream.set', mode === 'built-in' ? { upstream: null } : { upstream: url, interceptAs });
              if (next) notify(next.upstream.health === 'down' ? 'error' : 'info', next.upstream.health === 'down' ? `Switched, but the upstream is down: ${next.upstream.reason}` : `Forwarding to ${next.upstream.builtIn ? 'the built-in server' : next.upstream.url}`);
            }}
          >
            Apply
          </button>
        </div>
      </section>
      <section>
        <h2>Proxy port</h2>
        <p className="hint">The port clients connect to ({status?.port ?? '—'} now). A change applies at the next start; the --port flag still wins.</p>
        <input type="number" min={0} max={65535} value={port} onChange={(e) => setPort(e.target.value)} aria-label="Proxy port" />{' '}
        <button
          onClick={async () => {
            const saved = await run('port.set', { port: Number(port) });
            if (saved) notify('info', `Port ${saved.port} saved for the next start`);
          }}
        >
          Save
        </button>
      </section>
      <section>
        <h2>Kept between runs</h2>
        <p className="hint">
          The upstream, port, toggles, preset, custom rules and tunnel (never the ngrok token) are saved in {status?.dataDir ? <code>{status.dataDir}/settings.json</code> : 'the data folder'} as you change them. The theme follows your system’s light or dark setting.
        </p>
      </section>
      <section>
        <h2>Keyboard shortcuts</h2>
        <table className="kv">
          <tbody>
            {SHORTCUTS.map(([keys, what]) => (
              <tr key={keys}>
                <th>
                  <kbd>{keys}</kbd>
                </th>
                <td>{what}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}
