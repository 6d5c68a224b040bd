import { useMemo } from 'react';
import type { ExchangeSummary } from '../../../shared/controlApi';
import type { Exchange } from '../../../shared/exchange';
import { mcpEndpoints, requestParams, responseParams, type ParamRow, type ParamSection } from '../lib/oauthParams';
import { useApp, useTimeline } from '../state/store';
import { useSlowVersion } from './useRelatedExchanges';
import { JsonTree, JwtView } from './BodyView';
import './ExchangeViews.css';

// OAuth parameters as a table: the decoded value, what the parameter is for in one line and the
// spec section that defines it; `state` decoded when it carries data, `resource` checked
// against the MCP endpoint.

function What({ row }: { row: ParamRow }) {
  return (
    <div className="param-what">
      {row.doc ? (
        <>
          {row.doc.what}{' '}
          <a href={row.doc.spec.url} target="_blank" rel="noreferrer">
            {row.doc.spec.label} ↗
          </a>
        </>
      ) : (
        'Not a parameter of this step’s specs (an extension, or the server’s own).'
      )}
    </div>
  );
}

function ValueCell({ row }: { row: ParamRow }) {
  return (
    <td className="param-value">
      {row.json !== undefined && typeof row.json === 'object' && row.json !== null ? <JsonTree value={row.json} /> : <code className="param-text">{row.value === '' ? '(empty)' : row.value}</code>}
      {row.state && (
        <div className="param-decoded" data-testid="state-decoded">
          <div className="param-decoded-label">{row.state.kind === 'jwt' ? 'A JWT; decoded (not verified):' : 'JSON inside (base64url); decoded:'}</div>
          {row.state.kind === 'jwt' && row.state.jwt ? <JwtView token={row.value} where="state" /> : <JsonTree value={row.state.value} />}
        </div>
      )}
      {row.resource && (
        <div className={`resource-check resource-${row.resource.verdict}`} data-testid="resource-check" data-verdict={row.resource.verdict}>
          <span className="resource-mark" aria-hidden="true">
            {row.resource.verdict === 'match' ? '✓' : '⚠'}
          </span>{' '}
          {row.resource.sentence}
        </div>
      )}
      {row.stateEcho && (
        <div className={`resource-check ${row.stateEcho.same ? 'resource-match' : 'resource-mismatch'}`} data-testid="state-echo" data-same={row.stateEcho.same}>
          <span className="resource-mark" aria-hidden="true">
            {row.stateEcho.same ? '✓' : '⚠'}
          </span>{' '}
          {row.stateEcho.sentence}
        </div>
      )}
      {row.note && <div className="param-note">⚠ {row.note}</div>}
      <What row={row} />
    </td>
  );
}

export function ParamTable({ section, heading = true }: { section: ParamSection; heading?: boolean }) {
  return (
    <section className="param-section" data-testid="param-table" data-source={section.source} aria-label={section.title}>
      {heading && <h4>{section.title}</h4>}
      <table className="param-table">
        <thead>
          <tr>
            <th scope="col">Parameter</th>
            <th scope="col">Value (decoded) and what it is for</th>
          </tr>
        </thead>
        <tbody>
          {section.rows.map((row, i) => (
            <tr key={`${row.name}-${i}`} data-testid="param-row" data-name={row.name}>
              <th scope="row">
                <code>{row.name}</code>
              </th>
              <ValueCell row={row} />
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** The sections as tables; `folded`: each closed under its title (fields of a JSON body shown above). */
export function ParamSections({ sections, folded = false }: { sections: ParamSection[]; folded?: boolean }) {
  if (sections.length === 0) return null;
  return (
    <div className="param-sections">
      {sections.map((section) =>
        folded ? (
          <details key={section.id} className="folded-params" data-testid="folded-params">
            <summary>
              {section.title}: what each field is for <span className="count">({section.rows.length})</span>
            </summary>
            <ParamTable section={section} heading={false} />
          </details>
        ) : (
          <ParamTable key={section.id} section={section} />
        ),
      )}
    </div>
  );
}

/** The request's and response's parameter sections, with `resource` checked against the MCP endpoints known for this exchange. */
export function useParamSections(exchange: Exchange | null | undefined, summary: ExchangeSummary): { request: ParamSection[]; response: ParamSection[] } {
  const status = useApp((s) => s.status);
  const version = useSlowVersion();
  const model = useTimeline();
  return useMemo(() => {
    if (!exchange) return { request: [], response: [] };
    // Only OAuth steps carry a resource to check against the connection's MCP paths.
    const oauth = ['authorization', 'token', 'registration'].includes(exchange.classification.phase);
    const rows = oauth && summary.connectionId ? model.connection(summary.connectionId) : [];
    const rpcPaths = [...new Set(rows.filter((r) => r.phase === 'jsonrpc' || r.phase === 'sse-stream').map((r) => r.url.split('?')[0]!))];
    const endpoints = mcpEndpoints(exchange, { mcpUrl: status?.mcpUrl, publicOrigin: status?.publicOrigin, rpcPaths });
    return { request: requestParams(exchange, endpoints), response: responseParams(exchange, endpoints) };
    // `version`: the connection's rows may have grown.
  }, [exchange, summary.connectionId, status?.mcpUrl, status?.publicOrigin, model, version]);
}
