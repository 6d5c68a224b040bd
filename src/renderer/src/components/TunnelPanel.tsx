import { useContext, useEffect, useState } from 'react';
import type { InspectorStatus, SavedTunnel, TunnelOpenParams } from '../../../shared/controlApi';
import type { ReachabilityProbe, TunnelFailureKind, TunnelNote, TunnelProviderId, TunnelState, TunnelStatus } from '../../../shared/tunnel';
import { time } from '../lib/format';
import { AppContext, useApp } from '../state/store';
import { CopyButton } from './StatusBar';
import './TunnelPanel.css';

// The Tunnel screen: from localhost to a URL Claude.ai can reach in one click, and everything
// the tunnel's supervisor found out since (state, checks through the public URL, warnings).
// The tunnel runs in the core; this screen only sends commands and shows `status.tunnel`,
// which the core pushes on every state change and note.

const PROVIDERS: Array<{ id: TunnelProviderId; label: string; hint: string }> = [
  { id: 'localtunnel', label: 'localtunnel', hint: 'Free, no account. Browsers see a reminder page asking for a tunnel password once.' },
  { id: 'cloudflared', label: 'cloudflared', hint: 'Free quick tunnel, no account, no reminder page. Needs the cloudflared program on PATH.' },
  { id: 'ngrok', label: 'ngrok', hint: 'Needs a free ngrok account’s auth token.' },
  { id: 'manual', label: 'My own URL', hint: 'A public https URL you already forward to this port (reverse proxy, Tailscale Funnel, VS Code dev tunnel).' },
  { id: 'none', label: 'None', hint: 'Local only: clients on this machine (Claude Code, MCP Inspector) need no tunnel.' },
];

const STATE_LABELS: Record<TunnelState, string> = {
  off: 'Off',
  connecting: 'Connecting…',
  up: 'Up',
  reconnecting: 'Reconnecting…',
  unreachable: 'Unreachable',
  failed: 'Failed',
};

/** What the user can do about each kind of failure, in addition to the core's reason. */
const FAILURE_ADVICE: Record<TunnelFailureKind, string> = {
  'not-installed': 'Install what the message names, or choose another provider below.',
  'not-configured': 'Enter the auth token below (or set NGROK_AUTHTOKEN before starting the inspector) and start again.',
  'invalid-option': 'Correct the option below and start again.',
  refused: 'The tunnel server said no. Check its address and the subdomain, or try again later.',
  unreachable: 'Check the internet connection and the tunnel server’s address, then retry.',
  timeout: 'The tunnel server is slow or unreachable; retry, or choose another provider.',
  dropped: 'Retry, or choose another provider.',
  exited: 'Retry, or choose another provider.',
};

const CLIENT_LABELS: Record<ReachabilityProbe['as'], string> = {
  browser: 'Browser (opens the OAuth consent page)',
  'python-httpx': 'python-httpx (Claude.ai’s discovery requests)',
  'claude-user': 'Claude-User (Claude.ai’s MCP requests)',
};

const OUTCOME_LABELS: Record<ReachabilityProbe['outcome'], string> = {
  ok: 'reached the inspector',
  interstitial: 'stopped by an interstitial page',
  'edge-denied': 'refused by the tunnel’s edge',
  'tunnel-error': 'tunnel error',
  unreachable: 'no answer',
  unexpected: 'went somewhere else',
};

const VERDICT_LABELS: Record<NonNullable<TunnelStatus['reachability']>['verdict'], string> = {
  reachable: 'Reachable from the internet',
  'reachable-with-interstitial': 'Reachable, but browsers see an interstitial page first',
  blocked: 'Blocked before reaching the inspector',
  unreachable: 'Not reachable',
};

const active = (state: TunnelState | undefined) => state !== undefined && state !== 'off' && state !== 'failed';

/** A wall-clock time to the second, for "next attempt at". */
function Clock({ at }: { at: number }) {
  return <time dateTime={new Date(at).toISOString()}>{time(at).slice(0, 8)}</time>;
}

/** What the state means for the user and what happens next, in words (the core's reason says why). */
function StateExplained({ tunnel }: { tunnel: TunnelStatus }) {
  const next = tunnel.nextAttemptAt ? (
    <>
      Next attempt at <Clock at={tunnel.nextAttemptAt} />
    </>
  ) : (
    'Trying now'
  );
  switch (tunnel.state) {
    case 'connecting':
      return tunnel.attempt > 0 ? (
        <p className="hint" data-testid="tunnel-next">
          Not up yet after {tunnel.attempt} {tunnel.attempt === 1 ? 'attempt' : 'attempts'}. {next}; if it still can’t connect it stops trying and says why.
        </p>
      ) : null;
    case 'reconnecting':
      return (
        <p className="hint" data-testid="tunnel-next">
          {tunnel.lastUpAt ? (
            <>
              It was up until <Clock at={tunnel.lastUpAt} />.{' '}
            </>
          ) : null}
          It keeps trying until it is back, usually with the same URL. {next}. The local server keeps working meanwhile.
        </p>
      );
    case 'unreachable':
      return (
        <p className="hint" data-testid="tunnel-next">
          The public URL was requested from this machine and the requests did not arrive here. {next}. A real client’s request arriving through it also counts: a check from inside your own network can fail where the internet gets through.
        </p>
      );
    case 'failed':
      return tunnel.failure ? <p className="tunnel-advice">{FAILURE_ADVICE[tunnel.failure]}</p> : null;
    default:
      return null;
  }
}

/** The button that cuts the wait short, named for what it does in each state. */
const RETRY_LABELS: Partial<Record<TunnelState, string>> = { connecting: 'Retry now', reconnecting: 'Retry now', unreachable: 'Check now', failed: 'Retry' };

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

interface Form {
  provider: TunnelProviderId;
  host: string;
  subdomain: string;
  publicUrl: string;
  authtoken: string;
  domain: string;
}

function initialForm(saved: SavedTunnel | undefined, running: TunnelStatus | undefined): Form {
  return {
    provider: running?.provider ?? saved?.provider ?? 'localtunnel',
    host: saved?.host ?? '',
    subdomain: saved?.subdomain ?? '',
    publicUrl: saved?.publicUrl ?? '',
    authtoken: '',
    domain: saved?.domain ?? '',
  };
}

/** The form as command parameters: empty fields are left out, so the core uses its defaults. */
function openParams(form: Form): TunnelOpenParams {
  const given = (value: string) => (value.trim() === '' ? undefined : value.trim());
  const provider = form.provider as TunnelOpenParams['provider'];
  if (provider === 'localtunnel') return { provider, host: given(form.host), subdomain: given(form.subdomain) };
  if (provider === 'ngrok') return { provider, authtoken: given(form.authtoken), domain: given(form.domain) };
  if (provider === 'manual') return { provider, publicUrl: given(form.publicUrl) };
  return { provider };
}

export function TunnelPanel() {
  const { store } = useContext(AppContext);
  const status = useApp((s) => s.status);
  const settings = useApp((s) => s.settings);
  const run = useApp((s) => s.run);
  const tunnel = status?.tunnel;
  const [form, setForm] = useState<Form>(() => initialForm(settings?.tunnel, tunnel));
  const [busy, setBusy] = useState<string>();
  /** The last tunnel's notes once it is off (status.tunnel is absent then). */
  const [lastRun, setLastRun] = useState<TunnelStatus>();

  useEffect(() => {
    if (tunnel) return;
    let current = true;
    void run('tunnel.status').then((last) => current && setLastRun(last && last.notes.length ? last : undefined));
    return () => {
      current = false;
    };
  }, [tunnel === undefined, run]);

  /** Runs one command with the buttons disabled; results go into the store at once (the event follows). */
  async function act<T>(label: string, command: () => Promise<T | undefined>, apply?: (result: T) => void): Promise<void> {
    setBusy(label);
    try {
      const result = await command();
      if (result !== undefined) apply?.(result);
    } finally {
      setBusy(undefined);
    }
  }
  // A live event can overtake a command's answer: the tunnel with the later `since` is the current one.
  const newer = (shown: TunnelStatus | undefined, next: TunnelStatus | undefined) => (shown && next && shown.since > next.since ? shown : next);
  const applyStatus = (next: InspectorStatus) => store.setState({ status: { ...next, tunnel: newer(store.getState().status?.tunnel, next.tunnel) } });
  const applyTunnel = (next: TunnelStatus) => {
    const current = store.getState().status;
    if (current && next.state !== 'off') store.setState({ status: { ...current, tunnel: newer(current.tunnel, next) } });
  };
  const refreshSettings = async () => {
    const saved = await run('settings.get');
    if (saved) store.setState({ settings: saved });
  };

  const start = () =>
    act('start', async () => {
      const next = form.provider === 'none' ? await run('tunnel.close') : await run('tunnel.open', openParams(form));
      await refreshSettings();
      return next;
    }, applyStatus);
  const stop = () =>
    act('stop', async () => {
      const next = await run('tunnel.close');
      await refreshSettings();
      return next;
    }, applyStatus);
  const retry = () => act('retry', () => run('tunnel.retry'), applyStatus);
  const recheck = () => act('recheck', () => run('tunnel.recheck'), applyTunnel);
  const expectRequest = () => act('expect', () => run('tunnel.expectRequest'), applyTunnel);

  const set = (patch: Partial<Form>) => setForm((f) => ({ ...f, ...patch }));
  const chosen = PROVIDERS.find((p) => p.id === form.provider)!;
  const state = tunnel?.state ?? 'off';
  const shown = tunnel ?? lastRun;

  return (
    <div className="tunnel-screen" data-testid="tunnel-screen">
      {tunnel?.idle && tunnel.state === 'up' && (
        <section className="tunnel-idle" role="alert" data-testid="tunnel-idle">
          <h2>No request arrived within {seconds(tunnel.idle.waitedMs)}</h2>
          <p>
            Nothing has come through <code>{tunnel.publicUrl}</code> since {time(tunnel.idle.since)} (the inspector’s own checks don’t count). The usual causes:
          </p>
          <ul>
            {tunnel.idle.causes.map((cause) => (
              <li key={cause}>{cause}</li>
            ))}
          </ul>
          <div className="actions">
            <button className="primary" disabled={!!busy} onClick={expectRequest}>
              I’ve added the connector — watch again
            </button>
            <button disabled={!!busy} onClick={recheck}>
              {busy === 'recheck' ? 'Checking…' : 'Check the URL again'}
            </button>
          </div>
        </section>
      )}

      <section className={`tunnel-current tunnel-${state}`} data-testid="tunnel-state" data-state={state}>
        <h2>
          Tunnel:{' '}
          <span className="tunnel-state-label" aria-live="polite">
            {STATE_LABELS[state]}
          </span>
          {tunnel && tunnel.provider !== 'none' && <span className="muted"> · {PROVIDERS.find((p) => p.id === tunnel.provider)?.label ?? tunnel.provider}</span>}
        </h2>
        {tunnel ? (
          <p className="tunnel-reason" data-testid="tunnel-reason">
            {tunnel.reason}
          </p>
        ) : (
          <p className="hint">No tunnel: only clients on this machine can reach the inspector. Choose a provider below and start one to get a URL Claude.ai can reach.</p>
        )}
        {tunnel && <StateExplained tunnel={tunnel} />}
        <div className="actions">
          {tunnel && RETRY_LABELS[tunnel.state] && (tunnel.state !== 'connecting' || tunnel.nextAttemptAt) && (
            <button className="primary" disabled={!!busy} onClick={retry}>
              {RETRY_LABELS[tunnel.state]}
            </button>
          )}
          {tunnel?.state === 'up' && (
            <button disabled={!!busy} onClick={recheck}>
              {busy === 'recheck' ? 'Checking…' : 'Check again'}
            </button>
          )}
          {tunnel && (
            <button className="danger" disabled={!!busy} onClick={stop}>
              Stop
            </button>
          )}
        </div>
      </section>

      {tunnel?.mcpUrl && (
        <section className="tunnel-url">
          <div className="big-url">
            <code data-testid="tunnel-mcp-url">{tunnel.mcpUrl}</code> <CopyButton text={tunnel.mcpUrl} label="Copy URL" />
          </div>
          <p data-testid="tunnel-paste-hint">
            Paste it into <strong>Claude.ai → Settings → Connectors → Add custom connector</strong> (as the “Remote MCP server URL”).
            {tunnel.state === 'reconnecting' && ' The tunnel is down right now; the same URL usually comes back.'}
            {tunnel.state === 'unreachable' && ' The requests sent through it from this machine have not arrived here yet (see above).'}
          </p>
          {tunnel.state === 'up' && !tunnel.idle && (
            <div className="actions">
              <button disabled={!!busy} onClick={expectRequest} title="Warns again if no request arrives within a minute">
                I’ve added the connector — watch for its first request
              </button>
            </div>
          )}
        </section>
      )}

      {tunnel?.interstitial && (
        <section className="tunnel-interstitial" data-testid="tunnel-interstitial">
          <h3>Browsers see an interstitial page first</h3>
          <p>{tunnel.interstitial.advice}</p>
          {tunnel.interstitial.provider === 'localtunnel' && (
            <p>
              The tunnel password is this machine’s public IP address
              {tunnel.interstitial.password ? (
                <>
                  : <code>{tunnel.interstitial.password}</code> <CopyButton text={tunnel.interstitial.password} />
                </>
              ) : null}
              .{' '}
              {tunnel.interstitial.passwordUrl ? (
                <>
                  Open{' '}
                  <a href={tunnel.interstitial.passwordUrl} target="_blank" rel="noreferrer">
                    {tunnel.interstitial.passwordUrl}
                  </a>{' '}
                  on this machine to see it.
                </>
              ) : (
                // A self-hosted server has no password page of its own: any IP lookup from here tells it.
                'Any “what is my IP” page opened on this machine shows it.'
              )}
            </p>
          )}
        </section>
      )}

      {tunnel && (tunnel.reachability || tunnel.sseSelfTest || tunnel.maxConnections !== undefined) && <Checks tunnel={tunnel} />}

      <section className="tunnel-form">
        <h3>{active(state) ? 'Change the tunnel' : 'Start a tunnel'}</h3>
        <div className="provider-choice" role="radiogroup" aria-label="Tunnel provider">
          {PROVIDERS.map((p) => (
            <label key={p.id} className={form.provider === p.id ? 'chosen' : ''}>
              <input type="radio" name="tunnel-provider" value={p.id} checked={form.provider === p.id} onChange={() => set({ provider: p.id })} /> {p.label}
            </label>
          ))}
        </div>
        <p className="hint">{chosen.hint}</p>
        {form.provider === 'localtunnel' && (
          <div className="tunnel-fields">
            <label>
              Subdomain <input value={form.subdomain} placeholder="random" onChange={(e) => set({ subdomain: e.target.value })} aria-label="Subdomain" />
              <span className="hint"> 4–63 lowercase letters, digits or inner hyphens; a taken name gets a random one.</span>
            </label>
            <label>
              Tunnel server <input value={form.host} placeholder="https://localtunnel.me" onChange={(e) => set({ host: e.target.value })} aria-label="Tunnel server" />
              <span className="hint"> Your team’s own localtunnel server, if you run one.</span>
            </label>
          </div>
        )}
        {form.provider === 'ngrok' && (
          <div className="tunnel-fields">
            <label>
              Auth token <input type="password" autoComplete="off" value={form.authtoken} placeholder="from NGROK_AUTHTOKEN" onChange={(e) => set({ authtoken: e.target.value })} aria-label="ngrok auth token" />
              <span className="hint"> Used for this run only and never saved. Leave empty to use NGROK_AUTHTOKEN from the inspector’s environment.</span>
            </label>
            <label>
              Domain <input value={form.domain} placeholder="my-name.ngrok-free.app (optional)" onChange={(e) => set({ domain: e.target.value })} aria-label="ngrok domain" />
            </label>
          </div>
        )}
        {form.provider === 'manual' && (
          <div className="tunnel-fields">
            <label>
              Public URL <input value={form.publicUrl} placeholder="https://mcp.example.com" onChange={(e) => set({ publicUrl: e.target.value })} aria-label="Public URL" />
              <span className="hint"> It must forward to this inspector’s port ({status?.port ?? '—'}); the checks below tell whether it does.</span>
            </label>
          </div>
        )}
        <div className="actions">
          <button className="primary" data-testid="tunnel-start" disabled={!!busy || (form.provider === 'manual' && form.publicUrl.trim() === '') || (form.provider === 'none' && !tunnel)} onClick={start}>
            {busy === 'start' ? 'Starting…' : form.provider === 'none' ? 'Use no tunnel' : active(state) ? 'Restart with these settings' : 'Start tunnel'}
          </button>
          <span className="hint">
            Kept for the next start{status?.dataDir ? ` in ${status.dataDir}/settings.json` : ''}; a running tunnel opens again by itself (the ngrok token is never saved).
          </span>
        </div>
      </section>

      {shown && shown.notes.length > 0 && <Notes notes={shown.notes} title={tunnel ? 'What happened' : 'What happened with the last tunnel'} />}
    </div>
  );
}

/** The checks through the public URL: per client kind, DNS, the SSE self-test, and the connection queue. */
function Checks({ tunnel }: { tunnel: TunnelStatus }) {
  const { reachability, sseSelfTest } = tunnel;
  return (
    <section className="tunnel-checks" data-testid="tunnel-checks">
      <h3>Checks through the public URL</h3>
      {reachability ? (
        <>
          <p className={`verdict verdict-${reachability.verdict}`} data-testid="tunnel-verdict">
            {VERDICT_LABELS[reachability.verdict]} <span className="muted">(checked at {time(reachability.checkedAt)})</span>
          </p>
          <table className="probe-table">
            <thead>
              <tr>
                <th>Requested as</th>
                <th>Result</th>
                <th>Status</th>
                <th>Time</th>
                <th>What happened</th>
              </tr>
            </thead>
            <tbody>
              {reachability.probes.map((probe) => (
                <tr key={probe.as} className={`probe-${probe.outcome}`} data-testid={`probe-${probe.as}`}>
                  <td>{CLIENT_LABELS[probe.as]}</td>
                  <td>{OUTCOME_LABELS[probe.outcome]}</td>
                  <td>{probe.status ?? '—'}</td>
                  <td>{probe.ms} ms</td>
                  <td>{probe.detail}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className={reachability.dns.outcome === 'public-ipv4' ? '' : 'warn-text'}>DNS: {reachability.dns.detail}</p>
          {reachability.advice.length > 0 && (
            <ul className="advice">
              {reachability.advice.map((a) => (
                <li key={a}>{a}</li>
              ))}
            </ul>
          )}
        </>
      ) : (
        tunnel.state === 'up' && <p className="hint">Checking the public URL as a browser and as Claude.ai’s servers would…</p>
      )}
      {sseSelfTest && (
        <p className={sseSelfTest.verdict === 'streams' ? '' : 'warn-text'} data-testid="tunnel-sse">
          SSE self-test: <strong>{sseSelfTest.verdict === 'streams' ? 'events stream through' : sseSelfTest.verdict}</strong> — {sseSelfTest.detail}
        </p>
      )}
      {tunnel.maxConnections !== undefined && (
        <p className={tunnel.saturated ? 'warn-text' : 'muted'} data-testid="tunnel-queue">
          {/* inFlight changes without an event; only the saturation turns are announced, so only they are shown. */}
          {tunnel.saturated
            ? `All ${tunnel.maxConnections} tunnel connections are busy: further requests wait at the tunnel server until one ends (each open SSE stream holds one).`
            : `This tunnel carries up to ${tunnel.maxConnections} requests at once (each open SSE stream holds one).`}
        </p>
      )}
    </section>
  );
}

function Notes({ notes, title }: { notes: TunnelNote[]; title: string }) {
  return (
    <section className="tunnel-notes">
      <h3>{title}</h3>
      <ol className="note-list" reversed data-testid="tunnel-notes">
        {[...notes].reverse().map((note, i) => (
          <li key={`${note.at}-${notes.length - i}`} className={`note note-${note.level}`} data-kind={note.kind}>
            <span className="note-time">{time(note.at)}</span> <span className="badge">{note.kind}</span> {note.text}
          </li>
        ))}
      </ol>
    </section>
  );
}
