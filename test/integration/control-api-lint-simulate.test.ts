import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientProfileInfo, ConnectionInfo, ExchangeSummary } from '../../src/shared/controlApi';
import type { Comparison } from '../../src/shared/compare';
import { LINT_RULE_IDS, type LintFinding, type LintRule, type LintSummary } from '../../src/shared/lint';
import type { Scenario, ScenarioRunResult, SimulationResult } from '../../src/shared/simulator';
import { startControl } from '../helpers/control';

// Lint, the simulator, scenarios and compare through the control API as the UI uses them:
// a real inspector, real HTTP with the token, the live event stream. The simulations run
// through the inspector's own front door, so their exchanges are the ones being judged.

describe('control API: lint, simulate, compare', () => {
  let control: Awaited<ReturnType<typeof startControl>>;
  let stream: ReturnType<typeof control.events>;
  /** A run with notifications answered 204, and a clean one (of another client) after it. */
  let faulty: SimulationResult;
  let clean: SimulationResult;

  beforeAll(async () => {
    control = await startControl({ preset: 'spec' });
    stream = control.events();
    await stream.opened;
  });
  afterAll(async () => {
    stream?.close();
    await control?.close();
  });

  /** The finished row of a run's notifications/initialized, as the event stream last sent it. */
  const initializedRow = (runId: string, test: (row: ExchangeSummary) => boolean = () => true) =>
    stream.exchange((row) => row.simulationRun === runId && row.rpcMethods.includes('notifications/initialized') && row.state === 'complete' && test(row));

  it('lists the lint catalogue with sources, clients and fixes', async () => {
    const rules = await control.api<LintRule[]>('lint.rules');
    expect(rules.status).toBe(200);
    expect(rules.result!.map((r) => r.id)).toEqual([...LINT_RULE_IDS]);
    const rule = rules.result!.find((r) => r.id === 'notification-not-202')!;
    expect(rule).toMatchObject({ severity: 'error', breaks: ['claude-ai'] });
    expect(rule.sources.some((s) => s.url?.startsWith('https://modelcontextprotocol.io/'))).toBe(true);
    expect(rule.fix).toContain('202');
    expect(JSON.stringify(rules.result)).not.toContain('"check"');
  });

  it('lists the client profiles with family, observed date and sources', async () => {
    const profiles = await control.api<ClientProfileInfo[]>('simulate.profiles');
    const claude = profiles.result!.find((p) => p.id === 'claude-ai@2025-10')!;
    expect(claude).toMatchObject({ family: 'claude-ai', observed: '2025-10', driver: 'replay' });
    expect(claude.sources.map((s) => s.ref).join(' ')).toContain('MCP_INTEGRATION_SUCCESS_STORY.md');
    expect(profiles.result!.filter((p) => p.family === 'claude-ai' && p.isDefault)).toHaveLength(1);
    expect(JSON.stringify(profiles.result)).not.toContain('"steps"'); // the list stays small
  });

  it('refuses an unknown client or a bad URL with a sentence the banner can show', async () => {
    const unknown = await control.api('simulate.run', { client: 'netscape@1994' });
    expect(unknown.status).toBe(400);
    expect(unknown.error?.message).toContain('Unknown client "netscape@1994"');
    expect(unknown.error?.message).toContain('claude-ai@2025-10');
    const badUrl = await control.api('simulate.run', { client: 'spec', url: 'ftp://example.com/mcp' });
    expect(badUrl.status).toBe(400);
    expect(badUrl.error?.message).toContain('http or https');
    const empty = await control.api('simulate.run', { client: '' });
    expect(empty.status).toBe(400);
    expect(empty.error?.message).toContain('choose a client profile');
  });

  it('runs a simulation through the front door: verdicts back, its rows live and marked simulated; a 204 for a notification is linted on the row', async () => {
    await control.api('toggles.set', { toggleId: 'notification-status', optionId: '204' });
    const run = await control.api<SimulationResult>('simulate.run', { client: 'spec@2025-06-18' });
    expect(run.status).toBe(200);
    faulty = run.result!;
    expect(faulty.url).toBe(`${control.proxyOrigin}/mcp`); // the default: the inspector's own endpoint
    expect(faulty.steps.length).toBeGreaterThan(3);
    expect(faulty.steps.find((s) => s.step === 'initialized')).toBeTruthy();

    const row = await initializedRow(faulty.runId, (r) => r.lint !== undefined);
    expect(row).toMatchObject({ simulated: true, status: 204 });
    // The toggle asked for it: a warning that names the toggle, not the server's error.
    expect(row.lint).toMatchObject({ errors: 0, warnings: 1, rules: ['notification-not-202'] });

    const own = await control.api<{ findings: LintFinding[] }>('lint.findings', { exchangeId: row.id });
    expect(own.result!.findings).toHaveLength(1);
    expect(own.result!.findings[0]).toMatchObject({ ruleId: 'notification-not-202', exchangeId: row.id, severity: 'warning', causedBy: { kind: 'toggle', id: 'notification-status', option: '204' } });
    expect(own.result!.findings[0]!.message).toContain('204');

    const ofConnection = await control.api<{ findings: LintFinding[]; summary: LintSummary }>('lint.findings', { connectionId: row.connectionId });
    expect(ofConnection.result!.summary.byRule['notification-not-202']).toBe(1);
    expect(ofConnection.result!.summary.exchanges).toBeGreaterThan(3);
    expect(ofConnection.result!.findings.map((f) => f.exchangeId)).toContain(row.id);

    const missing = await control.api('lint.findings', { exchangeId: 'no-such-exchange' });
    expect(missing.status).toBe(404);
  });

  it('a clean run after the toggle goes back connects, with no finding on its notification', async () => {
    await control.api('toggles.set', { toggleId: 'notification-status', optionId: 'off' });
    // Another run of the same profile from the same address: its own connection.
    const run = await control.api<SimulationResult>('simulate.run', { client: 'claude-ai@2026-03' });
    clean = run.result!;
    expect(clean).toMatchObject({ ok: true, summary: 'connected and listed 6 tools' });
    const row = await initializedRow(clean.runId);
    expect(row.status).toBe(202);
    expect(row.lint).toBeUndefined();
    const connections = await control.api<ConnectionInfo[]>('connections.list', {});
    const mine = connections.result!.find((c) => c.id === row.runId)!;
    expect(mine).toMatchObject({ simulated: true, simulationRun: clean.runId, connectionId: row.connectionId, outcome: 'complete' });
    expect(connections.result!.find((c) => c.simulationRun === faulty.runId)?.connectionId).not.toBe(row.connectionId);
    expect(mine.lint.errors).toBe(0);
  });

  it('compares the faulty run with the clean one, from the live session and from the capture on disk', async () => {
    const faultyRow = await initializedRow(faulty.runId);
    const cleanRow = await initializedRow(clean.runId);
    const live = await control.api<Comparison>('compare.connections', { left: { connectionId: faultyRow.connectionId! }, right: { connectionId: cleanRow.connectionId! } });
    expect(live.status).toBe(200);
    const initialized = live.result!.steps.find((s) => s.stage === 'initialized')!;
    expect(initialized.differences).toContainEqual({ kind: 'status', left: '204', right: '202' });
    expect(initialized.differences).toContainEqual({ kind: 'lint', name: 'notification-not-202', left: 'notification-not-202' });
    expect(live.result!.left.lint).toMatchObject({ errors: 0, warnings: 1 });
    expect(live.result!.right.lint.errors).toBe(0);

    // The same two connections read back from the capture this run records into.
    const captureId = (await control.api<{ capture: { id: string } }>('status')).result!.capture.id;
    const onDisk = await control.api<ConnectionInfo[]>('connections.list', { capture: captureId });
    const fromDisk = (runId: string) => onDisk.result!.find((c) => c.simulationRun === runId)!;
    expect(fromDisk(faulty.runId).lint.byRule['notification-not-202']).toBe(1);
    const mixed = await control.api<Comparison>('compare.connections', {
      left: { capture: captureId, connectionId: fromDisk(faulty.runId).id },
      right: { connectionId: cleanRow.connectionId! },
    });
    expect(mixed.result!.steps.find((s) => s.stage === 'initialized')!.differences).toContainEqual({ kind: 'status', left: '204', right: '202' });
    expect(mixed.result!.left.source).toBe(`${captureId}#${fromDisk(faulty.runId).id}`);

    const gone = await control.api('compare.connections', { left: { connectionId: 'session:nope' }, right: { connectionId: cleanRow.connectionId! } });
    expect(gone.status).toBe(404);
    expect(gone.error?.message).toContain('session:nope');
  });

  it('runs a bug-report scenario in an inspector of its own and keeps its exchanges in their own capture', async () => {
    const scenarios = await control.api<Scenario[]>('scenarios.list');
    expect(scenarios.result!.map((s) => s.id)).toContain('ref001-pitfall2-notification-204');
    const before = (await control.api<ExchangeSummary[]>('exchanges.list', {})).result!.length;
    const changed = stream.until((e) => e.type === 'captures-changed');
    const run = await control.api<ScenarioRunResult>('scenarios.run', { id: 'ref001-pitfall2-notification-204' });
    expect(run.status).toBe(200);
    expect(run.result).toMatchObject({ scenarioId: 'ref001-pitfall2-notification-204', reproduced: true });
    expect(run.result!.simulation.steps.find((s) => s.step === 'initialized')?.outcome).toBe('warn');
    await changed;
    // Not one exchange of it in this session: its server misbehaved elsewhere.
    expect((await control.api<ExchangeSummary[]>('exchanges.list', {})).result!.length).toBe(before);
    const findings = await control.api<{ findings: LintFinding[] }>('lint.findings', { capture: run.result!.captureId });
    expect(findings.result!.findings.map((f) => f.ruleId)).toContain('notification-not-202');
    const unknown = await control.api('scenarios.run', { id: 'no-such-scenario' });
    expect(unknown.status).toBe(400);
    expect(unknown.error?.message).toContain('Unknown scenario');
  });
});
