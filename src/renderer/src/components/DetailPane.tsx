import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ExchangeSummary } from '../../../shared/controlApi';
import type { Exchange, ResponseRecord } from '../../../shared/exchange';
import type { LintFinding } from '../../../shared/lint';
import { toCurl } from '../lib/curl';
import { bytes, duration, header, time } from '../lib/format';
import { useApp, useTimeline } from '../state/store';
import { notificationLinks, pairingsOf } from '../lib/rpcLinks';
import type { ParamSection } from '../lib/oauthParams';
import { setPendingFocus, takePendingFocus, type LinkTarget } from './exchangeLinks';
import { countsText, FindingList } from './Lint';
import { expandFor, MessageView } from './MessageView';
import { ParamSections, useParamSections } from './ParamTable';
import { MrtrSection } from './MrtrSection';
import { RpcPanel } from './RpcPanel';
import { SseEventTable } from './SseEventTable';
import { OutcomeLine, StatusCell } from './StatusChips';
import { useRelatedExchanges } from './useRelatedExchanges';

type Tab = 'request' | 'response' | 'original' | 'sse' | 'jsonrpc' | 'timing';

/** The whole exchange, fetched when the row is opened and again (at most 4× a second) as it changes. */
function useExchange(summary: ExchangeSummary): Exchange | null | undefined {
  const run = useApp((s) => s.run);
  const capture = useApp((s) => s.source.capture);
  const [exchange, setExchange] = useState<Exchange | null | undefined>(undefined);
  const lastFetch = useRef(0);
  useEffect(() => {
    let cancelled = false;
    const wait = Math.max(0, lastFetch.current + 250 - Date.now());
    const timer = setTimeout(async () => {
      lastFetch.current = Date.now();
      const full = await run('exchanges.get', { id: summary.id, capture });
      if (!cancelled) setExchange(full ?? null);
    }, wait);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [summary.id, summary.revision, capture, run]);
  useEffect(() => setExchange(undefined), [summary.id]);
  return exchange;
}

/** The exchange's lint findings, fetched again when its row says they changed. */
function LintSection({ summary }: { summary: ExchangeSummary }) {
  const run = useApp((s) => s.run);
  const select = useApp((s) => s.select);
  const capture = useApp((s) => s.source.capture);
  const [findings, setFindings] = useState<LintFinding[] | undefined>(undefined);
  const rules = summary.lint?.rules.join(',');
  useEffect(() => {
    let cancelled = false;
    if (!rules) return setFindings(undefined);
    void run('lint.findings', { exchangeId: summary.id, capture }).then((answer) => !cancelled && setFindings(answer?.findings));
    return () => {
      cancelled = true;
    };
  }, [summary.id, rules, capture, run]);
  if (!summary.lint) return null;
  return (
    <section className="lint-section" data-testid="lint-section" aria-label="Lint findings">
      <h3>Lint: {countsText(summary.lint)}</h3>
      {findings ? <FindingList findings={findings} onOpen={select} currentId={summary.id} /> : <p className="hint">Loading…</p>}
    </section>
  );
}

function Countdown({ until }: { until: number }) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, []);
  return <strong data-testid="countdown">{Math.max(0, Math.ceil((until - now) / 1000))} s</strong>;
}

function headerObject(text: string): Record<string, string> | string {
  try {
    const value = JSON.parse(text || '{}') as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value) || Object.values(value).some((v) => typeof v !== 'string')) return 'Headers must be a JSON object of strings';
    return value as Record<string, string>;
  } catch (err) {
    return `Headers are not valid JSON: ${(err as Error).message}`;
  }
}

/** Held at a breakpoint: change what goes on (status, headers, body), then resume. */
function BreakpointEditor({ exchange }: { exchange: Exchange }) {
  const run = useApp((s) => s.run);
  const paused = exchange.paused!;
  const atResponse = paused.stage === 'response';
  const [status, setStatus] = useState(String(exchange.upstreamResponse?.status ?? exchange.response?.status ?? ''));
  const [headers, setHeaders] = useState('{}');
  const [body, setBody] = useState<string | undefined>(undefined);
  const parsedHeaders = headerObject(headers);
  const resume = async (edited: boolean) => {
    if (edited && typeof parsedHeaders === 'string') return;
    const edits = edited
      ? { ...(atResponse && status ? { status: Number(status) } : {}), ...(Object.keys(parsedHeaders as object).length ? { headers: parsedHeaders as Record<string, string> } : {}), ...(body !== undefined ? { body } : {}) }
      : undefined;
    await run('breakpoints.resume', { id: exchange.id, edits });
  };
  return (
    <section className="breakpoint" data-testid="breakpoint">
      <h3>
        Paused before the {atResponse ? 'response reaches the client' : 'request goes upstream'} — resumes by itself in <Countdown until={paused.resumesAt} />
      </h3>
      {atResponse && (
        <label>
          Status <input type="number" min={100} max={599} value={status} onChange={(e) => setStatus(e.target.value)} aria-label="Status to send" />
        </label>
      )}
      <label>
        Headers to set (JSON) <textarea rows={2} value={headers} onChange={(e) => setHeaders(e.target.value)} aria-label="Headers to set" />
      </label>
      {typeof parsedHeaders === 'string' && <p className="field-error">{parsedHeaders}</p>}
      <label>
        Body (leave untouched to keep it){' '}
        <textarea rows={4} value={body ?? ''} placeholder="(unchanged)" onChange={(e) => setBody(e.target.value)} aria-label="Body to send" />
      </label>
      <div className="actions">
        <button className="primary" onClick={() => void resume(true)}>
          Resume with edits
        </button>
        <button onClick={() => void resume(false)}>Resume unchanged</button>
      </div>
    </section>
  );
}

function ReplayEditor({ exchange, onDone }: { exchange: Exchange; onDone: () => void }) {
  const run = useApp((s) => s.run);
  const notify = useApp((s) => s.notify);
  const capture = useApp((s) => s.source.capture);
  const [method, setMethod] = useState(exchange.request.method);
  const [url, setUrl] = useState(exchange.request.url);
  const [headers, setHeaders] = useState('{}');
  const [body, setBody] = useState(exchange.request.body?.encoding === 'utf8' ? exchange.request.body.data : '');
  const parsedHeaders = headerObject(headers);
  return (
    <section className="replay-editor">
      <h3>Edit and replay</h3>
      <div className="row-inputs">
        <input value={method} onChange={(e) => setMethod(e.target.value)} aria-label="Method" size={7} />
        <input value={url} onChange={(e) => setUrl(e.target.value)} aria-label="Path" />
      </div>
      <label>
        Headers to change (JSON, merged over the recorded ones) <textarea rows={2} value={headers} onChange={(e) => setHeaders(e.target.value)} />
      </label>
      {typeof parsedHeaders === 'string' && <p className="field-error">{parsedHeaders}</p>}
      <label>
        Body <textarea rows={6} value={body} onChange={(e) => setBody(e.target.value)} />
      </label>
      <div className="actions">
        <button
          className="primary"
          disabled={typeof parsedHeaders === 'string'}
          onClick={async () => {
            const result = await run('exchanges.replay', { id: exchange.id, capture, edits: { method, url, headers: parsedHeaders as Record<string, string>, body } });
            if (result) notify('info', `Replayed: ${result.status}`);
            onDone();
          }}
        >
          Send
        </button>
        <button onClick={onDone}>Cancel</button>
      </div>
    </section>
  );
}

function TimingBar({ exchange }: { exchange: Exchange }) {
  const t = exchange.timings;
  const end = t.end ?? Math.max(t.firstByte ?? 0, t.upstreamHeaders ?? 0, t.requestEnd ?? 0, 1);
  const segments = [
    { name: 'request sent', from: 0, to: t.requestEnd ?? 0 },
    { name: 'waiting for the upstream', from: t.requestEnd ?? 0, to: t.upstreamHeaders ?? t.requestEnd ?? 0 },
    { name: 'response', from: t.upstreamHeaders ?? 0, to: end },
  ];
  return (
    <div className="timing">
      <div className="timing-bar" aria-label="Timing">
        {segments.map((s) => (
          <span key={s.name} className={`seg seg-${s.name.split(' ')[0]}`} style={{ left: `${(s.from / end) * 100}%`, width: `${Math.max(0.5, ((s.to - s.from) / end) * 100)}%` }} title={`${s.name}: ${duration(s.to - s.from)}`} />
        ))}
      </div>
      <table className="kv">
        <tbody>
          <tr>
            <th>started</th>
            <td>{new Date(exchange.startedAt).toISOString()}</td>
          </tr>
          <tr>
            <th>request body complete</th>
            <td>{duration(t.requestEnd)}</td>
          </tr>
          <tr>
            <th>upstream headers</th>
            <td>{duration(t.upstreamHeaders)}</td>
          </tr>
          <tr>
            <th>first byte to client</th>
            <td>{duration(t.firstByte)}</td>
          </tr>
          <tr>
            <th>end</th>
            <td>{t.end === undefined ? 'still open' : duration(t.end)}</td>
          </tr>
        </tbody>
      </table>
    </div>
  );
}

function ResponseView({ response, where, params = [], methods }: { response?: ResponseRecord; where: string; params?: ParamSection[]; methods?: string[] }) {
  if (!response) return <p className="hint">No response yet.</p>;
  return (
    <div>
      <p>
        <strong>
          {response.status} {response.statusMessage}
        </strong>
      </p>
      {/* A redirect's parameters are the point of it; a JSON answer's field notes come after its body. */}
      <ParamSections sections={params.filter((p) => p.source !== 'json')} />
      <MessageView headers={response.headers} body={response.body} where={where} expand={expandFor(methods)} />
      <ParamSections sections={params.filter((p) => p.source === 'json')} folded />
    </div>
  );
}

export function SseList({ exchange }: { exchange: Exchange }) {
  if (exchange.sseEvents.length === 0) return <p className="hint">No SSE events{exchange.state === 'streaming' ? ' yet' : ''}.</p>;
  return (
    <ol className="sse-list">
      {exchange.sseEvents.map((event) => (
        <li key={event.index} className={event.kind === 'comment' ? 'sse-comment' : 'sse-event'}>
          <span className="hint">+{duration(event.at)}</span>{' '}
          {event.kind === 'comment' ? (
            <em>: {event.comment || 'ping'}</em>
          ) : (
            <>
              {event.event && <strong>{event.event} </strong>}
              {event.id && <span className="hint">id {event.id} </span>}
              {event.retry !== undefined && <span className="hint">retry {event.retry} ms </span>}
              {event.data !== undefined ? <code>{event.data}</code> : <span className="hint">(no data line: a client dispatches no message for it)</span>}
            </>
          )}
        </li>
      ))}
    </ol>
  );
}

export function DetailPane({ summary }: { summary: ExchangeSummary }) {
  const exchange = useExchange(summary);
  const select = useApp((s) => s.select);
  const status = useApp((s) => s.status);
  const timeline = useTimeline();
  const notify = useApp((s) => s.notify);
  const run = useApp((s) => s.run);
  const capture = useApp((s) => s.source.capture);
  const [tab, setTab] = useState<Tab>('request');
  const [editing, setEditing] = useState(false);
  const [sseFocus, setSseFocus] = useState<number | undefined>(undefined);
  const [rawSse, setRawSse] = useState(false);
  useEffect(() => {
    setEditing(false);
    // A link from another exchange asked for a tab (and an SSE event) here.
    const focus = takePendingFocus(summary.id);
    if (focus?.tab) setTab(focus.tab);
    setSseFocus(focus?.sseIndex);
  }, [summary.id]);
  const open = useCallback(
    (target: LinkTarget) => {
      if (target.id === summary.id) {
        if (target.tab) setTab(target.tab);
        setSseFocus(target.sseIndex);
        return;
      }
      setPendingFocus(target);
      select(target.id);
    },
    [summary.id, select],
  );
  const related = useRelatedExchanges(exchange, summary);
  const links = useMemo(() => (exchange ? notificationLinks([exchange, ...related]).filter((l) => l.notification.place.exchangeId === exchange.id || l.request.place.exchangeId === exchange.id) : []), [exchange, related]);
  const pairings = useMemo(() => (exchange ? pairingsOf(exchange, related) : []), [exchange, related]);
  const params = useParamSections(exchange, summary);
  const methods = exchange?.classification.jsonRpc?.methods;

  const tabs: Array<{ id: Tab; label: string; show: boolean }> = [
    { id: 'request', label: 'Request', show: true },
    { id: 'response', label: 'Response', show: true },
    { id: 'original', label: 'Upstream’s original', show: !!exchange?.upstreamResponse },
    { id: 'sse', label: `SSE (${summary.sseEventCount})`, show: summary.sseEventCount > 0 || summary.state === 'streaming' },
    { id: 'jsonrpc', label: 'JSON-RPC', show: !!exchange?.classification.jsonRpc || !!exchange?.correlations?.length || pairings.length > 0 },
    { id: 'timing', label: 'Timing', show: true },
  ];
  const current = tabs.find((t) => t.id === tab && t.show) ? tab : 'request';
  const origin = status?.publicOrigin ?? `http://127.0.0.1:${status?.port ?? 7420}`;
  // A row with only a User-Agent ("node") is named by its run's client, as the timeline does.
  const clientName = (summary.clientFamily === 'unknown' && timeline.runClientOf(summary.id)) || summary.clientLabel;

  return (
    <aside className="detail" aria-label="Exchange detail" data-testid="detail">
      <div className="detail-head">
        <div>
          <strong>{summary.method}</strong> <code className="detail-url">{summary.url}</code> <StatusCell row={summary} />
          <div className="hint">
            {summary.label} · {clientName} · {time(summary.startedAt)}
            {summary.durationMs !== undefined ? ` · ${duration(summary.durationMs)}` : ''}
            {summary.sessionId ? ` · session ${summary.sessionId}` : ''}
          </div>
          <OutcomeLine row={summary} />
        </div>
        <button className="dismiss" aria-label="Close detail" onClick={() => select(undefined)}>
          ×
        </button>
      </div>
      {summary.appliedRules.length > 0 && (
        <ul className="applied-rules">
          {summary.appliedRules.map((rule) => (
            <li key={rule}>Changed: {rule}</li>
          ))}
        </ul>
      )}
      <LintSection summary={summary} />
      {summary.mrtr && <MrtrSection summary={summary} exchange={exchange ?? undefined} />}
      {exchange === undefined && <p className="hint">Loading…</p>}
      {exchange === null && <p className="hint">This exchange is no longer kept in memory (the capture on disk still has it).</p>}
      {exchange && (
        <>
          {exchange.paused && <BreakpointEditor key={`${exchange.id}-${exchange.paused.stage}`} exchange={exchange} />}
          <div className="actions">
            <button
              onClick={() =>
                void navigator.clipboard.writeText(toCurl(exchange, origin)).then(
                  () => notify('info', 'Copied as curl'),
                  () => notify('error', 'The clipboard refused the copy'),
                )
              }
            >
              Copy as curl
            </button>
            <button
              onClick={async () => {
                const result = await run('exchanges.replay', { id: exchange.id, capture });
                if (result) notify('info', `Replayed ${summary.method} ${summary.url}: ${result.status}`);
              }}
            >
              Replay
            </button>
            <button onClick={() => setEditing(!editing)}>Edit & replay</button>
          </div>
          {editing && <ReplayEditor exchange={exchange} onDone={() => setEditing(false)} />}
          <div className="tabs" role="tablist">
            {tabs
              .filter((t) => t.show)
              .map((t) => (
                <button key={t.id} role="tab" aria-selected={current === t.id} className={current === t.id ? 'active' : ''} onClick={() => setTab(t.id)}>
                  {t.label}
                </button>
              ))}
          </div>
          <div className="tab-body">
            {current === 'request' && (
              <div>
                <ParamSections sections={params.request} />
                <MessageView headers={exchange.request.headers} body={exchange.request.body} where="request" expand={expandFor(methods)} explained={params.request.some((p) => p.source === 'form' || p.source === 'json')} />
                {header(exchange.request.headers, 'content-length') && <p className="hint">Content-Length {bytes(Number(header(exchange.request.headers, 'content-length')))}</p>}
              </div>
            )}
            {current === 'response' && <ResponseView response={exchange.response} where="response" params={params.response} methods={methods} />}
            {current === 'original' && (
              <div>
                <p className="hint">What the upstream answered before a rule or toggle changed it.</p>
                <ResponseView response={exchange.upstreamResponse} where="upstream response" methods={methods} />
              </div>
            )}
            {current === 'sse' && (
              <div>
                <label className="sse-raw-toggle">
                  <input type="checkbox" checked={rawSse} onChange={(e) => setRawSse(e.target.checked)} /> raw lines
                </label>
                {rawSse ? <SseList exchange={exchange} /> : <SseEventTable key={exchange.id} exchange={exchange} links={links} pairings={pairings} onOpen={open} focusIndex={sseFocus} />}
              </div>
            )}
            {current === 'jsonrpc' && <RpcPanel exchange={exchange} links={links} pairings={pairings} onOpen={open} />}
            {current === 'timing' && <TimingBar exchange={exchange} />}
          </div>
        </>
      )}
    </aside>
  );
}
