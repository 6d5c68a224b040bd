import { useEffect, useState } from 'react';
import type { CaptureInfo } from '../../../shared/controlApi';
import { bytes } from '../lib/format';
import { useApp } from '../state/store';
import './CapturesScreen.css';

/** Saves text as a file through the browser (works the same in Electron's window). */
export function download(fileName: string, text: string, type = 'application/json'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function CaptureRow({ capture }: { capture: CaptureInfo }) {
  const run = useApp((s) => s.run);
  const openCapture = useApp((s) => s.openCapture);
  const notify = useApp((s) => s.notify);
  const [name, setName] = useState(capture.name);
  const [confirming, setConfirming] = useState(false);
  const [redact, setRedact] = useState(true);
  useEffect(() => setName(capture.name), [capture.name]);
  return (
    <tr data-testid="capture-row" data-id={capture.id}>
      <td>
        <input
          value={name}
          aria-label="Capture name"
          onChange={(e) => setName(e.target.value)}
          onKeyDown={(e) => e.key === 'Enter' && (e.target as HTMLInputElement).blur()}
          onBlur={() => name.trim() && name !== capture.name && void run('captures.rename', { id: capture.id, name })}
        />
        {capture.live && <span className="badge live-badge">recording</span>}
      </td>
      <td>{new Date(capture.createdAt).toLocaleString()}</td>
      <td>{capture.exchanges}</td>
      <td>{bytes(capture.sizeBytes)}</td>
      <td className="actions">
        <button onClick={() => void openCapture(capture)}>Open</button>
        <label title="Replace tokens, codes, secrets and cookies with pseudonyms ([redacted:1], [redacted:2], …: equal secrets stay equal, so connections still group; the capture on disk keeps them)">
          <input type="checkbox" checked={redact} onChange={(e) => setRedact(e.target.checked)} /> redact secrets
        </label>
        <button
          onClick={async () => {
            const exported = await run('captures.exportHar', { id: capture.id, redact });
            if (exported) {
              download(exported.fileName, exported.har);
              notify('info', `Exported ${exported.exchanges} exchanges as ${exported.fileName}${redact ? ' (secrets redacted)' : ' (with secrets!)'}`);
            }
          }}
        >
          Export HAR
        </button>
        {!capture.live &&
          (confirming ? (
            <>
              <button className="danger" onClick={() => void run('captures.delete', { id: capture.id })}>
                Really delete
              </button>
              <button onClick={() => setConfirming(false)}>Keep</button>
            </>
          ) : (
            <button onClick={() => setConfirming(true)}>Delete</button>
          ))}
      </td>
    </tr>
  );
}

export function CapturesScreen() {
  const captures = useApp((s) => s.captures);
  const run = useApp((s) => s.run);
  const status = useApp((s) => s.status);
  return (
    <div className="captures">
      <h2>Captures</h2>
      <p className="hint">
        Every run records into a capture on disk{status?.dataDir ? ` (${status.dataDir})` : ''}. Open one to look at it in the timeline; export it as HAR to share it (secrets are redacted by default).
      </p>
      <label className="import">
        Import a HAR file{' '}
        <input
          type="file"
          accept=".har,.json,application/json"
          aria-label="Import HAR"
          onChange={async (e) => {
            const file = e.target.files?.[0];
            e.target.value = '';
            if (file) await run('captures.importHar', { har: await file.text(), name: file.name });
          }}
        />
      </label>
      {captures.length === 0 ? (
        <p className="empty">{status?.capture ? 'No captures yet.' : 'Captures are off in this run (--no-capture).'}</p>
      ) : (
        <table className="capture-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Started</th>
              <th>Exchanges</th>
              <th>Size</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {captures.map((capture) => (
              <CaptureRow key={capture.id} capture={capture} />
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
