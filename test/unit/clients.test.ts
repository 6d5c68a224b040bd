import { describe, expect, it } from 'vitest';
import { recognizeClient } from '../../src/main/core/recorder/clients';
import type { ClientFamily } from '../../src/shared/exchange';

const CHROME = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36';

describe('recognizeClient by User-Agent', () => {
  it.each<[string, ClientFamily, string]>([
    ['python-httpx/0.27.0', 'claude-ai-discovery', "python-httpx/0.27.0 (Claude.ai's connector runtime, or any httpx client)"],
    ['python-httpx/0.28.1', 'claude-ai-discovery', "python-httpx/0.28.1 (Claude.ai's connector runtime, or any httpx client)"],
    ['Claude-User', 'claude-user', 'Claude.ai (Claude-User)'],
    ['claude-code/2.1.204 (cli)', 'claude-code', 'Claude Code 2.1.204'],
    ['claude-code/2.1.0 (claude-desktop, agent-sdk/0.3)', 'claude-code', 'Claude Code 2.1.0'],
    ['openai-mcp/1.0.0', 'chatgpt', 'ChatGPT (openai-mcp/1.0.0)'],
    ['openai-mcp/1.0.0 (+https://openai.com/bot)', 'chatgpt', 'ChatGPT (openai-mcp/1.0.0)'],
    ['Visual Studio Code/1.99.0', 'vscode', 'VS Code 1.99.0'],
    ['Visual Studio Code/1.99', 'vscode', 'VS Code 1.99'],
    ['Cursor/1.5.11', 'cursor', 'Cursor 1.5.11'],
    [`Mozilla/5.0 (Macintosh) AppleWebKit/537.36 (KHTML, like Gecko) Cursor/0.48.7 Chrome/132.0.6834.210 Electron/34.3.4 Safari/537.36`, 'cursor', 'Cursor 0.48.7'],
    ['mcp-remote/0.1.38', 'mcp-remote', 'mcp-remote'],
    ['mcp-handshake-inspector-simulator/0.1.0', 'inspector-simulator', 'Inspector simulator'],
    [CHROME, 'browser', 'Browser'],
  ])('%s → %s', (userAgent, family, label) => {
    expect(recognizeClient(userAgent)).toEqual({ family, label, userAgent, address: undefined });
  });

  it('matches UA prefixes only where they are prefixes', () => {
    expect(recognizeClient('my-proxy (python-httpx/0.28.1)').family).toBe('unknown');
    expect(recognizeClient('x claude-code/2.1.204').family).toBe('unknown');
  });

  it('keeps the address and the User-Agent it was given', () => {
    expect(recognizeClient('Claude-User', undefined, '160.79.106.167')).toEqual({ family: 'claude-user', label: 'Claude.ai (Claude-User)', userAgent: 'Claude-User', address: '160.79.106.167' });
  });
});

describe('recognizeClient by clientInfo', () => {
  it.each<[{ name: string; version?: string }, ClientFamily, string]>([
    [{ name: 'Anthropic/ClaudeAI', version: '1.0.0' }, 'claude-user', 'Claude.ai (clientInfo 1.0.0)'],
    [{ name: 'Anthropic', version: '1.0.0' }, 'claude-user', 'Claude.ai (clientInfo 1.0.0)'],
    [{ name: 'claude-ai', version: '0.1.0' }, 'claude-user', 'Claude.ai (clientInfo 0.1.0)'],
    [{ name: 'claude-ai' }, 'claude-user', 'Claude.ai (clientInfo)'],
    [{ name: 'claude-code', version: '2.0.73' }, 'claude-code', 'Claude Code 2.0.73'],
    [{ name: 'openai-mcp', version: '1.0.0' }, 'chatgpt', 'ChatGPT'],
    [{ name: 'cursor-vscode', version: '1.0.0' }, 'cursor', 'Cursor'],
    [{ name: 'Visual Studio Code', version: '1.99.0' }, 'vscode', 'VS Code'],
    [{ name: 'mcp-inspector', version: '0.19.0' }, 'mcp-inspector', 'MCP Inspector'],
    [{ name: 'claude-ai (via mcp-remote 0.1.38)', version: '0.1.0' }, 'mcp-remote', 'mcp-remote'],
    [{ name: 'cursor-vscode (via mcp-remote 0.1.43)', version: '1.0.0' }, 'mcp-remote', 'mcp-remote'],
    [{ name: 'Visual Studio Code (via mcp-remote 0.1.38)', version: '1.99.0' }, 'mcp-remote', 'mcp-remote'],
  ])('%o → %s', (clientInfo, family, label) => {
    // Node's fetch says only "node": the clientInfo is the evidence.
    expect(recognizeClient('node', clientInfo)).toMatchObject({ family, label, userAgent: 'node' });
  });

  it('does not take a name that only contains a known one for it', () => {
    expect(recognizeClient(undefined, { name: 'not-claude-ai' }).family).toBe('mcp-sdk');
    expect(recognizeClient(undefined, { name: 'claude-code-fork' }).family).toBe('mcp-sdk');
  });

  it('names an unknown SDK client by its clientInfo', () => {
    expect(recognizeClient('node', { name: 'proxy-test', version: '1.0.0' })).toEqual({ family: 'mcp-sdk', label: 'proxy-test 1.0.0', userAgent: 'node', address: undefined });
    expect(recognizeClient(undefined, { name: 'bare' }).label).toBe('bare');
  });

  it('prefers a specific User-Agent over the clientInfo name', () => {
    expect(recognizeClient('claude-code/2.1.204 (cli)', { name: 'claude-code', version: '2.0.0' }).label).toBe('Claude Code 2.1.204');
    expect(recognizeClient('openai-mcp/1.0.0', { name: 'something-else' }).family).toBe('chatgpt');
  });

  it('does not call an httpx client Claude.ai once its clientInfo names it', () => {
    expect(recognizeClient('python-httpx/0.28.1', { name: 'mcp', version: '0.1.0' })).toMatchObject({ family: 'mcp-sdk', label: 'mcp 0.1.0' });
    expect(recognizeClient('python-httpx/0.28.1', { name: 'Anthropic/ClaudeAI', version: '1.0.0' }).family).toBe('claude-user');
    expect(recognizeClient('python-httpx/0.28.1').family).toBe('claude-ai-discovery');
  });

  it('prefers a clientInfo name over a browser User-Agent', () => {
    expect(recognizeClient(CHROME, { name: 'mcp-inspector', version: '0.19.0' }).family).toBe('mcp-inspector');
  });
});

describe('recognizeClient with nothing to go on', () => {
  it('is unknown, labelled by the User-Agent when there is one', () => {
    expect(recognizeClient(undefined)).toEqual({ family: 'unknown', label: 'unknown client', userAgent: undefined, address: undefined });
    expect(recognizeClient(undefined, {})).toEqual({ family: 'unknown', label: 'unknown client', userAgent: undefined, address: undefined });
    expect(recognizeClient('curl/8.5.0', undefined, '127.0.0.1')).toEqual({ family: 'unknown', label: 'curl/8.5.0', userAgent: 'curl/8.5.0', address: '127.0.0.1' });
  });
});
