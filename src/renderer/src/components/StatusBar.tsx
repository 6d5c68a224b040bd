import { useApp, useTimeline } from '../state/store';
import { ToggleChip } from './StatusChips';

export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const notify = useApp((s) => s.notify);
  return (
    <button
      className="copy"
      title={`Copy ${text}`}
      onClick={() =>
        void navigator.clipboard.writeText(text).then(
          () => notify('info', `Copied ${text}`),
          () => notify('error', `The clipboard refused; select and copy by hand: ${text}`),
        )
      }
    >
      {label}
    </button>
  );
}

/** Upstream and its health, the front door's port, the public URL, the capture, counts. */
export function StatusBar() {
  const status = useApp((s) => s.status);
  const source = useApp((s) => s.source);
  const setView = useApp((s) => s.setView);
  const setQuery = useApp((s) => s.setQuery);
  const connection = useApp((s) => s.connection);
  const model = useTimeline();
  useApp((s) => s.version); // counts follow the timeline
  if (!status) {
    return <header className="status-bar">{connection.state === 'unauthorized' ? 'Not connected: this page has no valid access token for the inspector.' : 'Connecting to the inspector…'}</header>;
  }
  const { upstream, tunnel } = status;
  const { failed, paused } = model.counts;
  return (
    <header className="status-bar" aria-label="Status">
      <span className={`item health-${upstream.health}`} title={upstream.reason ?? ''} data-testid="upstream">
        <span className="dot" aria-hidden /> Upstream: {upstream.builtIn ? 'built-in reference server' : upstream.url}
        {upstream.health === 'down' && <em> — down: {upstream.reason}</em>}
      </span>
      <span className="item">Proxy :{status.port ?? '—'}</span>
      {status.mcpUrl && (
        <span className="item">
          MCP URL <code data-testid="mcp-url">{status.mcpUrl}</code> <CopyButton text={status.mcpUrl} />
        </span>
      )}
      <span className={`item tunnel ${tunnel ? `tunnel-${tunnel.state}` : ''}`} data-testid="tunnel" title={tunnel?.pasteHint ?? ''}>
        <button className="link" onClick={() => setView('tunnel')} title="Open the Tunnel screen">
          Tunnel:
        </button>{' '}
        {tunnel ? (
          <>
            {tunnel.provider} {tunnel.state}
            {tunnel.mcpUrl && (
              <>
                {' '}
                <code>{tunnel.mcpUrl}</code> <CopyButton text={tunnel.mcpUrl} />
              </>
            )}
            {tunnel.state !== 'up' && tunnel.reason && <em> ({tunnel.reason})</em>}
            {tunnel.idle && <em className="bad"> — no request arrived yet</em>}
          </>
        ) : status.publicUrl ? (
          <>
            your own, <code>{status.publicUrl}</code> <CopyButton text={`${status.publicUrl}/mcp`} />
          </>
        ) : (
          <span className="muted" title="Only clients on this machine can reach the inspector; start a tunnel on the Tunnel screen">
            none (local only)
          </span>
        )}
      </span>
      <ToggleChip />
      <span className="item">Capture: {source.capture ? <strong>{source.name} (opened)</strong> : (status.capture?.name ?? 'off')}</span>
      <span className="item counts" data-testid="counts">
        {model.size} exchanges{model.visible.length !== model.size ? ` (${model.visible.length} shown)` : ''}
        {failed > 0 && (
          <>
            {' · '}
            <button
              className="link failed-count"
              data-testid="failed-count"
              title="Exchanges where the client did not get what it asked for (not 401 challenges, not streams the client closed). Show only these."
              onClick={() => {
                setQuery('is:error');
                setView('timeline');
              }}
            >
              {failed} failed
            </button>
          </>
        )}
        {paused > 0 && <span className="paused-count"> · {paused} paused</span>}
      </span>
    </header>
  );
}
