import { describe, expect, it } from 'vitest';
import type { HttpHeaders } from '../../src/shared/exchange';
import { LINT_RULES, type LintRuleId } from '../../src/shared/lint';
import { encodeHeaderValue } from '../../src/shared/mcpHeaders';
import { lintExchanges } from '../../src/main/core/lint/engine';
import { exchange } from '../helpers/exchangeFactory';

// The 2026-07-28 lint rules on recorded exchanges: request metadata headers vs the body (the
// client's fault), a server that took such a request or answered without resultType (the
// server's fault). Each case fires exactly its rule; the agreeing exchange fires nothing. The
// wire side (real clients through the front door) is in test/integration/routing-headers.test.ts.

const VERSION = '2026-07-28';
const META = { 'io.modelcontextprotocol/protocolVersion': VERSION, 'io.modelcontextprotocol/clientCapabilities': {} };
const SCHEMA = { type: 'object', properties: { region: { type: 'string', 'x-mcp-header': 'Region' }, message: { type: 'string' } } };
const ok = (id: number, result: Record<string, unknown> = { content: [] }) => ({ jsonrpc: '2.0', id, result: { resultType: 'complete', ...result } });

/**
 * One 2026-07-28 POST from the same client, with the headers a conforming client derives,
 * overridable. `at` orders it: discovery (1), the listing (2), then the exchange under test.
 */
function post(method: string, params: Record<string, unknown>, id: number, answer: { status?: number; body: unknown }, headers: Record<string, string | undefined> = {}, at = 10) {
  const derived: Record<string, string | undefined> = {
    'content-type': 'application/json',
    'user-agent': 'lint-unit',
    'mcp-protocol-version': VERSION,
    'mcp-method': method,
    ...(typeof params.name === 'string' ? { 'mcp-name': encodeHeaderValue(params.name) } : {}),
    ...headers,
  };
  const sent = Object.fromEntries(Object.entries(derived).filter(([, v]) => v !== undefined)) as HttpHeaders;
  return exchange({ startedAt: at, headers: sent, body: { jsonrpc: '2.0', id, method, params: { ...params, _meta: META } }, response: { status: answer.status ?? 200, body: answer.body } });
}

const discover = () => post('server/discover', {}, 1, { body: ok(1, { supportedVersions: [VERSION], capabilities: {} }) }, {}, 1);
const listTools = () => post('tools/list', {}, 2, { body: ok(2, { tools: [{ name: 'regional_echo', inputSchema: SCHEMA }], ttlMs: 0, cacheScope: 'private' }) }, {}, 2);
const callArgs = { name: 'regional_echo', arguments: { region: 'Zürich', message: 'hi' } };
const mismatch = { jsonrpc: '2.0', id: 3, error: { code: -32020, message: 'Header mismatch' } };

function rulesFired(...exchanges: ReturnType<typeof exchange>[]): LintRuleId[] {
  return lintExchanges(exchanges).findings.map((f) => f.ruleId).sort();
}
function findingsOf(id: LintRuleId, ...exchanges: ReturnType<typeof exchange>[]) {
  return lintExchanges(exchanges).findings.filter((f) => f.ruleId === id);
}

describe('2026-07-28 routing-header and resultType lint', () => {
  it('is silent on a client that mirrors its body (Base64 for a non-ASCII argument) and a server that answers in kind', () => {
    const call = post('tools/call', callArgs, 3, { body: ok(3) }, { 'mcp-param-region': encodeHeaderValue('Zürich') });
    expect(rulesFired(discover(), listTools(), call)).toEqual([]);
  });

  it('header-body-mismatch: the client mirrored another name or left out an x-mcp-header argument', () => {
    const wrongName = post('tools/call', callArgs, 3, { status: 400, body: mismatch }, { 'mcp-name': 'echo', 'mcp-param-region': encodeHeaderValue('Zürich') });
    const noParam = post('tools/call', callArgs, 3, { status: 400, body: mismatch });
    expect(rulesFired(discover(), listTools(), wrongName)).toEqual(['header-body-mismatch']);
    const [finding] = findingsOf('header-body-mismatch', discover(), listTools(), noParam);
    expect(finding!.message).toMatch(/^The client sent POST \/mcp \(tools\/call\)/);
    expect(finding!.message).toContain("the required Mcp-Param-Region header is absent (the body says 'Zürich')");
  });

  it('header-body-mismatch judges Mcp-Param-* only against a tool definition the connection listed', () => {
    const noParam = post('tools/call', callArgs, 3, { status: 400, body: mismatch });
    expect(rulesFired(discover(), noParam)).toEqual([]);
  });

  it('protocol-version-header-meta-mismatch: a 2025-11-25 header on a 2026-07-28 body (claude-code#93290), or none', () => {
    const stale = post('tools/list', {}, 4, { status: 400, body: { ...mismatch, id: 4 } }, { 'mcp-protocol-version': '2025-11-25' });
    expect(rulesFired(discover(), stale)).toEqual(['protocol-version-header-meta-mismatch']);
    const [finding] = findingsOf('protocol-version-header-meta-mismatch', post('tools/list', {}, 4, { status: 400, body: { ...mismatch, id: 4 } }, { 'mcp-protocol-version': undefined }));
    expect(finding!.message).toBe("The client sent POST /mcp (tools/list) with no MCP-Protocol-Version header while its body's _meta says 2026-07-28.");
  });

  it('header-mismatch-not-rejected: the server ran a call whose headers disagree, or said -32020 with a status other than 400', () => {
    const accepted = post('tools/call', callArgs, 3, { body: ok(3) }, { 'mcp-param-region': 'Zurich' });
    expect(rulesFired(discover(), listTools(), accepted)).toEqual(['header-body-mismatch', 'header-mismatch-not-rejected']);
    const [finding] = findingsOf('header-mismatch-not-rejected', discover(), listTools(), accepted);
    expect(finding!.message).toMatch(/^The server accepted POST \/mcp \(tools\/call\) \(200\) although its headers disagree/);
    const versionAccepted = post('tools/list', {}, 4, { body: ok(4, { tools: [] }) }, { 'mcp-protocol-version': '2025-11-25' });
    expect(rulesFired(discover(), versionAccepted)).toEqual(['header-mismatch-not-rejected', 'protocol-version-header-meta-mismatch']);
    const wrongStatus = post('tools/call', callArgs, 3, { status: 200, body: mismatch }, { 'mcp-name': 'other', 'mcp-param-region': encodeHeaderValue('Zürich') });
    expect(findingsOf('header-mismatch-not-rejected', discover(), listTools(), wrongStatus)[0]!.message).toContain('with -32020 but HTTP 200');
  });

  it('server rules judge only servers that answered server/discover (a session-era server is not held to 2026-07-28)', () => {
    const accepted = post('tools/list', {}, 4, { body: { jsonrpc: '2.0', id: 4, result: { tools: [] } } }, { 'mcp-method': 'prompts/list' });
    expect(rulesFired(accepted)).toEqual(['header-body-mismatch']);
  });

  it('result-type-invalid: a result without resultType, or with a kind nobody knows', () => {
    const bare = post('tools/list', {}, 4, { body: { jsonrpc: '2.0', id: 4, result: { tools: [] } } });
    expect(rulesFired(discover(), bare)).toEqual(['result-type-invalid']);
    expect(findingsOf('result-type-invalid', discover(), bare)[0]!.message).toBe('The server answered POST /mcp (tools/list) (a 2026-07-28 request) with a result without resultType.');
    const odd = post('tools/list', {}, 4, { body: { jsonrpc: '2.0', id: 4, result: { tools: [], resultType: 'done' } } });
    expect(findingsOf('result-type-invalid', discover(), odd)[0]!.message).toContain('resultType "done", which is none of complete, input_required, task');
    const interim = post('tools/call', callArgs, 3, { body: ok(3, { resultType: 'input_required', inputRequests: {}, requestState: 'state-1' }) }, { 'mcp-param-region': encodeHeaderValue('Zürich') });
    expect(rulesFired(discover(), listTools(), interim)).toEqual([]);
  });

  it('a client fault stays the client\'s when a rule of the user\'s answered in the server\'s place', () => {
    const answered = post('tools/call', callArgs, 3, { body: ok(3) });
    answered.appliedRules = [{ ruleId: 'takes-any-call', explanation: 'takes-any-call: answer 200 without contacting the upstream' }];
    const findings = lintExchanges([discover(), listTools(), answered]).findings;
    expect(findings.find((f) => f.ruleId === 'header-body-mismatch')).toMatchObject({ severity: 'error' });
    expect(findings.find((f) => f.ruleId === 'header-body-mismatch')!.causedBy).toBeUndefined();
    // The server's side of the same exchange is what the rule made happen.
    expect(findings.find((f) => f.ruleId === 'header-mismatch-not-rejected')).toMatchObject({ severity: 'warning', causedBy: { kind: 'rule', id: 'takes-any-call' } });
  });

  it('names who is at fault in every rule of the 2026-07-28 group', () => {
    const fault: Partial<Record<LintRuleId, 'client' | 'server'>> = {
      'header-body-mismatch': 'client',
      'protocol-version-header-meta-mismatch': 'client',
      'header-mismatch-not-rejected': 'server',
      'result-type-invalid': 'server',
    };
    for (const [id, who] of Object.entries(fault)) {
      const rule = LINT_RULES.find((r) => r.id === id)!;
      expect(rule.explanation, id).toMatch(new RegExp(`^The ${who} is at fault\\.`));
      expect(rule.fix, id).toMatch(new RegExp(`^${who === 'client' ? 'Client' : 'Server'}: `));
    }
  });
});
