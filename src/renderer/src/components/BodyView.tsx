import { useState } from 'react';
import type { BodyRecord, HttpHeaders } from '../../../shared/exchange';
import { decodeJwt, findJwts } from '../lib/jwt';
import { bytes, header } from '../lib/format';

// Bodies as a developer wants to read them: JSON as a collapsible tree, forms as tables,
// JWTs decoded (header and claims), binary described rather than dumped.

/** Says which nodes start open beyond the first two levels (by their path of keys). */
export type JsonExpand = (path: readonly string[]) => boolean;

export function JsonTree({ value, name, depth = 0, expand, path = [] }: { value: unknown; name?: string; depth?: number; expand?: JsonExpand; path?: readonly string[] }) {
  const [open, setOpen] = useState(() => depth < 2 || (expand?.(path) ?? false));
  const label = name !== undefined ? <span className="json-key">{JSON.stringify(name)}: </span> : null;
  if (value === null || typeof value !== 'object') {
    const jwt = typeof value === 'string' ? decodeJwt(value) : undefined;
    return (
      <div className="json-line">
        {label}
        <span className={`json-${value === null ? 'null' : typeof value}`}>{JSON.stringify(value)}</span>
        {jwt && <span className="hint"> (a JWT: decoded below)</span>}
      </div>
    );
  }
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  const [openBracket, closeBracket] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  return (
    <div className="json-node">
      <button className="json-toggle" onClick={() => setOpen(!open)} aria-expanded={open}>
        {open ? '▾' : '▸'}
      </button>
      {label}
      {openBracket}
      {!open && <span className="hint"> {entries.length} {Array.isArray(value) ? 'items' : 'keys'} </span>}
      {open && (
        <div className="json-children">
          {entries.map(([key, child]) => (
            <JsonTree key={key} name={Array.isArray(value) ? undefined : key} value={child} depth={depth + 1} expand={expand} path={[...path, key]} />
          ))}
        </div>
      )}
      {closeBracket}
    </div>
  );
}

export function JwtView({ token, where }: { token: string; where: string }) {
  const decoded = decodeJwt(token);
  if (!decoded) return null;
  return (
    <div className="jwt" data-testid="jwt">
      <h4>
        JWT in {where} {decoded.encrypted ? '(encrypted: JWE, claims unreadable — a resource server without the key must ask /userinfo)' : ''}
      </h4>
      <div className="jwt-parts">
        <div>
          <h5>Header</h5>
          <JsonTree value={decoded.header} />
        </div>
        {decoded.claims && (
          <div>
            <h5>Claims</h5>
            <JsonTree value={decoded.claims} />
            {decoded.expiresAt && (
              <p className="hint">
                exp: {decoded.expiresAt.toISOString()} ({decoded.expiresAt.getTime() < Date.now() ? 'expired' : 'valid until then'})
              </p>
            )}
          </div>
        )}
      </div>
    </div>
  );
}

function parseJson(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) };
  } catch {
    return undefined;
  }
}

export function FormTable({ text }: { text: string }) {
  const params = [...new URLSearchParams(text)];
  return (
    <table className="kv">
      <tbody>
        {params.map(([name, value], i) => (
          <tr key={`${name}-${i}`}>
            <th>{name}</th>
            <td>
              <code>{value}</code>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function BodyView({ body, headers, where, expand }: { body?: BodyRecord; headers: HttpHeaders; where: string; expand?: JsonExpand }) {
  const [raw, setRaw] = useState(false);
  if (!body || body.size === 0) return <p className="hint">No body.</p>;
  const contentType = header(headers, 'content-type') ?? '';
  const note = body.truncated ? <p className="hint">Showing the first {bytes(body.data.length)} of {bytes(body.size)} (the rest was counted, not kept).</p> : null;
  if (body.encoding === 'base64') {
    return (
      <div>
        <p className="hint">
          {bytes(body.size)} of binary{header(headers, 'content-encoding') ? ` (${header(headers, 'content-encoding')}-compressed)` : ''} data ({contentType || 'no content type'}).
        </p>
        {note}
      </div>
    );
  }
  const json = !raw && (contentType.includes('json') || /^\s*[{[]/.test(body.data)) ? parseJson(body.data) : undefined;
  const form = !raw && contentType.includes('application/x-www-form-urlencoded');
  const jwts = findJwts(body.data);
  return (
    <div className="body-view">
      <div className="body-tools">
        <span className="hint">
          {contentType || 'no content type'} · {bytes(body.size)}
        </span>
        <label>
          <input type="checkbox" checked={raw} onChange={(e) => setRaw(e.target.checked)} /> raw
        </label>
      </div>
      {note}
      {json ? <JsonTree value={json.value} expand={expand} /> : form ? <FormTable text={body.data} /> : <pre className="raw">{body.data}</pre>}
      {jwts.map((token) => (
        <JwtView key={token} token={token} where={`the ${where} body`} />
      ))}
    </div>
  );
}

/** JWTs carried in headers (Authorization: Bearer …), each with its header's name. */
function headerJwts(headers: HttpHeaders): Array<{ name: string; token: string }> {
  const entries = Object.entries(headers).filter(([, v]) => v !== undefined);
  return entries.flatMap(([name, value]) => (Array.isArray(value) ? value : [value!]).flatMap((v) => findJwts(v).map((token) => ({ name, token }))));
}

/** The decoded JWTs of headers, on their own (shown outside folded headers). */
export function HeaderJwts({ headers, where }: { headers: HttpHeaders; where: string }) {
  return (
    <>
      {headerJwts(headers).map(({ name, token }) => (
        <JwtView key={token} token={token} where={`the ${where} ${name} header`} />
      ))}
    </>
  );
}

export function HeadersTable({ headers, where, decodeJwts = true }: { headers: HttpHeaders; where: string; decodeJwts?: boolean }) {
  const entries = Object.entries(headers).filter(([, v]) => v !== undefined);
  const jwts = decodeJwts ? headerJwts(headers) : [];
  return (
    <div>
      <table className="kv headers">
        <tbody>
          {entries.flatMap(([name, value]) =>
            (Array.isArray(value) ? value : [value!]).map((v, i) => (
              <tr key={`${name}-${i}`}>
                <th>{name}</th>
                <td>
                  <code>{v}</code>
                </td>
              </tr>
            )),
          )}
        </tbody>
      </table>
      {jwts.map(({ name, token }) => (
        <JwtView key={token} token={token} where={`the ${where} ${name} header`} />
      ))}
    </div>
  );
}
