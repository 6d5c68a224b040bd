import { useEffect } from 'react';
import { useInspector } from './store';

/** Server status and behaviour presets; the live timeline arrives with the inspector UI. */
export function App() {
  const { status, presets, activePreset, error, load, applyPreset } = useInspector();
  useEffect(() => {
    void load();
  }, [load]);

  return (
    <main className="app">
      <header>
        <h1>MCP Handshake Inspector</h1>
        {status?.mcpUrl && (
          <p>
            Reference MCP server: <code>{status.mcpUrl}</code>{' '}
            <button onClick={() => void navigator.clipboard.writeText(status.mcpUrl!)}>Copy</button>
          </p>
        )}
      </header>
      {error && <div className="banner error" role="alert">{error}</div>}
      <section>
        <h2>Server behaviour</h2>
        <p className="hint">Pick how the reference server answers; clients connecting to the URL above see the change on their next request.</p>
        <ul className="presets">
          {presets.map((preset) => (
            <li key={preset.id}>
              <label>
                <input type="radio" name="preset" checked={activePreset === preset.id} onChange={() => void applyPreset(preset.id)} />
                <strong>{preset.title}</strong>
              </label>
              <p>{preset.description}</p>
            </li>
          ))}
        </ul>
      </section>
      {status && (
        <section>
          <h2>Current profile</h2>
          <pre>{JSON.stringify(status.profile, null, 2)}</pre>
        </section>
      )}
    </main>
  );
}
