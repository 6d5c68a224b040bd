import type { InspectorStatus } from '../../../shared/controlApi';

/** The first screen a new user sees: what to do next, with the URL to paste. */
export function EmptyState({ status, capture }: { status?: InspectorStatus; capture?: string }) {
  if (capture) return <div className="empty">This capture has no exchanges.</div>;
  if (status?.error) {
    return (
      <div className="empty">
        <p>The inspector is not listening: {status.error}</p>
      </div>
    );
  }
  const publicUrl = status?.tunnel?.mcpUrl ?? (status?.publicUrl ? `${status.publicUrl}/mcp` : undefined);
  return (
    <div className="empty" data-testid="empty-state">
      <h2>No exchanges yet</h2>
      <ol>
        <li>
          Point an MCP client at <code>{publicUrl ?? status?.mcpUrl ?? 'the MCP URL'}</code>.
        </li>
        <li>
          For Claude.ai: it must reach this URL from the internet, so start the inspector with a tunnel or <code>--public-url</code>, then copy the public URL into{' '}
          <strong>Claude.ai → Settings → Connectors → Add custom connector</strong>.
        </li>
        <li>
          For Claude Code: <code>claude mcp add --transport http inspector {status?.mcpUrl ?? '<the MCP URL>'}</code>, then <code>/mcp</code> to authenticate.
        </li>
        <li>Every request then shows up here as it happens, grouped by handshake phase.</li>
      </ol>
    </div>
  );
}
