import type { ClientFamily, ClientIdentity } from '../../../shared/exchange';

// Recognises known MCP clients from User-Agent and initialize's clientInfo (the identities
// docs/client-profiles.md lists with their sources). Hosted clients change silently, so labels
// say what was seen rather than asserting who it is when the evidence is thin.

interface Signature {
  family: ClientFamily;
  userAgent?: RegExp;
  /** Only when initialize named no client: a generic HTTP library says little once it did. */
  withoutClientInfo?: true;
  clientName?: RegExp;
  label: (match: RegExpExecArray | null, clientVersion?: string) => string;
}

const SIGNATURES: Signature[] = [
  { family: 'inspector-simulator', userAgent: /mcp-handshake-inspector-simulator/i, label: () => 'Inspector simulator' },
  { family: 'claude-user', userAgent: /^Claude-User/i, label: () => 'Claude.ai (Claude-User)' },
  { family: 'claude-code', userAgent: /^claude-code\/(\S+)/i, label: (m) => `Claude Code ${m?.[1] ?? ''}`.trim() },
  { family: 'chatgpt', userAgent: /^openai-mcp\/(\S+)/i, label: (m) => `ChatGPT (openai-mcp/${m?.[1] ?? '?'})` },
  { family: 'vscode', userAgent: /Visual Studio Code\/(\S+)/i, label: (m) => `VS Code ${m?.[1] ?? ''}`.trim() },
  { family: 'cursor', userAgent: /\bCursor\/(\S+)/i, label: (m) => `Cursor ${m?.[1] ?? ''}`.trim() },
  { family: 'mcp-remote', userAgent: /mcp-remote/i, label: () => 'mcp-remote' },
  { family: 'claude-ai-discovery', userAgent: /^python-httpx\/(\S+)/i, withoutClientInfo: true, label: (m) => `python-httpx/${m?.[1] ?? '?'} (Claude.ai's connector runtime, or any httpx client)` },
  // clientInfo names, when the User-Agent says nothing specific.
  // mcp-remote wraps the name of the client behind it ("Visual Studio Code (via mcp-remote …)"): it goes first.
  { family: 'mcp-remote', clientName: /\(via mcp-remote/i, label: () => 'mcp-remote' },
  { family: 'claude-user', clientName: /^(Anthropic\/ClaudeAI|Anthropic|claude-ai)$/i, label: (_m, v) => `Claude.ai (clientInfo${v ? ` ${v}` : ''})` },
  { family: 'claude-code', clientName: /^claude-code$/i, label: (_m, v) => `Claude Code ${v ?? ''}`.trim() },
  { family: 'chatgpt', clientName: /^openai-mcp$/i, label: () => 'ChatGPT' },
  { family: 'cursor', clientName: /^cursor-vscode$/i, label: () => 'Cursor' },
  { family: 'vscode', clientName: /^Visual Studio Code/i, label: () => 'VS Code' },
  { family: 'mcp-inspector', clientName: /inspector/i, label: () => 'MCP Inspector' },
  { family: 'browser', userAgent: /^Mozilla\//, label: () => 'Browser' },
];

export function recognizeClient(userAgent: string | undefined, clientInfo?: { name?: string; version?: string }, address?: string): ClientIdentity {
  for (const signature of SIGNATURES) {
    if (signature.withoutClientInfo && clientInfo?.name) continue;
    const match = signature.userAgent && userAgent ? signature.userAgent.exec(userAgent) : null;
    const named = signature.clientName && clientInfo?.name ? signature.clientName.test(clientInfo.name) : false;
    if (match || named) return { family: signature.family, label: signature.label(match, clientInfo?.version), userAgent, address };
  }
  if (clientInfo?.name) return { family: 'mcp-sdk', label: `${clientInfo.name}${clientInfo.version ? ` ${clientInfo.version}` : ''}`, userAgent, address };
  return { family: 'unknown', label: userAgent ?? 'unknown client', userAgent, address };
}
