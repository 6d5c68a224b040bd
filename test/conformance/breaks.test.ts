import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { breakToggleId, REQUIREMENTS, type ScoredRevision, type SuiteCheck } from '../../src/shared/breaks';
import type { LintFinding } from '../../src/shared/lint';
import { REQUIREMENT_TOGGLES } from '../../src/main/core/proxy/toggles';
import { startInspector } from '../helpers/inspector';
import { startReferenceServer } from '../helpers/server';
import { node22 } from './node22';
import { runServerSuite, SUITE_TIMEOUT_MS, type Check } from './suite';

// Every "break a requirement" toggle, noticed by the official conformance suite: one inspector
// with the built-in server on the conformance preset; each break is switched on at runtime the
// way the Toggles screen does it (Inspector.setToggle), the suite runs the scenario that should
// notice through the front door, and the named checks must report the failure (or the warning,
// for a SHOULD). Without the break the same checks pass. Runs are sequential: one server, and the
// toggle in force belongs to the run.

interface Case {
  toggle: string;
  option: string;
  revision: ScoredRevision;
  checks: SuiteCheck[];
}

/** The break catalogue, one case per break and revision, plus DNS rebinding (the existing host-validation toggle). */
const CASES: Case[] = [
  ...REQUIREMENTS.flatMap((requirement) =>
    requirement.breaks.flatMap((b) =>
      b.revisions.map((revision) => ({ toggle: breakToggleId(requirement.id), option: b.id, revision, checks: b.checks.filter((c) => (c.revision ?? revision) === revision) })),
    ),
  ),
  ...(['2025-11-25', '2026-07-28'] as const).map((revision) => ({
    toggle: 'host-validation',
    option: 'unprotected',
    revision,
    checks: [{ scenario: 'dns-rebinding-protection', check: 'localhost-host-rebinding-rejected', status: 'FAILURE' as const }],
  })),
];

type Running = Awaited<ReturnType<typeof startInspector>>;

/**
 * Two inspectors (built-in server, conformance preset), so two suite runs go at once on a 2-core
 * machine. A case holds one for its whole run: the toggle in force belongs to that run only.
 */
interface Lane {
  running: Running;
  /** Lint findings since the case holding this lane began. */
  findings: LintFinding[];
}
const lanes: Lane[] = [];
const idle: Lane[] = [];
const waiting: Array<(lane: Lane) => void> = [];
let node: string;

/** Runs `use` with a lane of its own, waiting for one to be free. */
async function withLane<T>(use: (lane: Lane) => Promise<T>): Promise<T> {
  const lane = idle.pop() ?? (await new Promise<Lane>((resolve) => waiting.push(resolve)));
  lane.findings.length = 0;
  try {
    return await use(lane);
  } finally {
    const next = waiting.shift();
    if (next) next(lane);
    else idle.push(lane);
  }
}

/** The first lane, for the tests without the suite: they run after the suite's cases (describe blocks run in order), when every lane is free. */
const first = () => lanes[0]!.running;

beforeAll(async () => {
  node = await node22();
  for (let i = 0; i < 2; i++) {
    const lane: Lane = { running: await startInspector({ preset: 'conformance' }), findings: [] };
    lane.running.inspector.subscribe((event) => event.type === 'lint:finding' && lane.findings.push(event.finding));
    lanes.push(lane);
    idle.push(lane);
  }
}, SUITE_TIMEOUT_MS);
afterAll(async () => {
  for (const lane of lanes) await lane.running.close();
});

/** Runs one scenario of the suite at one revision through a front door; its checks. */
async function scenario(running: Running, name: string, revision: ScoredRevision): Promise<Check[]> {
  const run = await runServerSuite(node, running.info.mcpUrl, ['--scenario', name, '--spec-version', revision]);
  const checks = run.scenarios.get(name);
  if (!checks) throw new Error(`the suite ran no ${name} at ${revision}:\n${run.output.slice(0, 2000)}`);
  return checks;
}

/** A 2026-07-28 request on the front door (a fetch of ours: one client for lint), with its Mcp-Method header. */
async function modernRequest(running: Running, method: string, mcpMethod = method): Promise<number> {
  const meta = { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': {} };
  const response = await fetch(running.info.mcpUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2026-07-28', 'mcp-method': mcpMethod },
    body: JSON.stringify({ jsonrpc: '2.0', id: method, method, params: { _meta: meta } }),
  });
  await response.text();
  return response.status;
}

/** server/discover, as a 2026-07-28 client starts. */
const discover = (running: Running) => modernRequest(running, 'server/discover');

/**
 * Lint rules that judge a server by what one client saw (a server/discover before): the suite's
 * probes come from another client than its discovery, so a probe of ours shows these.
 */
const OWN_PROBE_LINT = new Set(['header-mismatch-not-rejected']);

/** The lint rules that flag a break (none for the host-validation toggle's option). */
const lintRules = (option: string) => REQUIREMENTS.flatMap((r) => r.breaks).find((b) => b.id === option)?.lint ?? [];

/** The statuses the suite gave a check id (an id can be reported once per probe). */
const statuses = (checks: Check[], id: string) => checks.filter((c) => c.id === id).map((c) => c.status);

describe('breaking a requirement on purpose', () => {
  it('every break toggle of the catalogue has a case, and each case names checks', () => {
    const catalogue = REQUIREMENT_TOGGLES.flatMap((t) => t.options.slice(1).map((o) => `${t.id}=${o.id}`)).sort();
    expect([...new Set(CASES.filter((c) => c.toggle.startsWith('break-')).map((c) => `${c.toggle}=${c.option}`))].sort()).toEqual(catalogue);
    for (const c of CASES) expect(c.checks.length, `${c.toggle}=${c.option} at ${c.revision}`).toBeGreaterThan(0);
    for (const t of REQUIREMENT_TOGGLES) expect(t.options[0]).toMatchObject({ id: 'off', label: 'As the spec says', rules: [] });
  });

  it.concurrent.each(['2025-11-25', '2026-07-28'] as const)('without a break, every check the breaks name passes at %s', async (revision) => {
    // One run of every scenario the revision requires: cheaper than one run per scenario.
    const run = await withLane(({ running }) => runServerSuite(node, running.info.mcpUrl, ['--requirements', revision]));
    for (const c of CASES.filter((x) => x.revision === revision)) {
      for (const check of c.checks) {
        const reported = statuses(run.scenarios.get(check.scenario) ?? [], check.check);
        expect(reported, `${check.check} in ${check.scenario}`).toContain('SUCCESS');
        expect(reported.filter((s) => s !== 'SUCCESS'), `${check.check} in ${check.scenario}`).toEqual([]);
      }
    }
  }, 3 * SUITE_TIMEOUT_MS);

  it.concurrent.each(CASES.map((c) => [`${c.toggle}=${c.option}`, c.revision, c] as const))('%s at %s: the suite notices', async (_name, revision, c) => {
    await withLane(async ({ running, findings }) => {
      running.inspector.setToggle(c.toggle, c.option);
      try {
        // Lint holds a server to 2026-07-28 rules once it answered server/discover in the same run.
        if (revision === '2026-07-28') await discover(running);
        for (const name of new Set(c.checks.map((check) => check.scenario))) {
          const checks = await scenario(running, name, revision);
          for (const check of c.checks.filter((x) => x.scenario === name)) {
            expect(statuses(checks, check.check), `${check.check} in ${name}`).toContain(check.status);
          }
        }
      } finally {
        running.inspector.setToggle(c.toggle, 'off');
      }
      // Lint sees it too where a rule judges it, and names the toggle as the cause.
      for (const rule of lintRules(c.option).filter((r) => !OWN_PROBE_LINT.has(r))) {
        const caused = findings.filter((f) => f.ruleId === rule);
        expect(caused.length, `lint ${rule}`).toBeGreaterThan(0);
        for (const finding of caused) expect(finding.causedBy).toMatchObject({ kind: 'toggle', id: c.toggle, option: c.option });
      }
    });
  }, 3 * SUITE_TIMEOUT_MS);

  it('a header mismatch accepted on purpose is flagged by lint, caused by its toggle', async () => {
    await withLane(async ({ running, findings }) => {
      running.inspector.setToggle('break-header-mismatch', 'header-mismatch-accepted');
      try {
        await discover(running);
        expect(await modernRequest(running, 'tools/list', 'prompts/list')).toBe(200);
      } finally {
        running.inspector.setToggle('break-header-mismatch', 'off');
      }
      const caused = findings.filter((f) => f.ruleId === 'header-mismatch-not-rejected');
      expect(caused.length).toBeGreaterThan(0);
      for (const finding of caused) expect(finding.causedBy).toMatchObject({ kind: 'toggle', id: 'break-header-mismatch', option: 'header-mismatch-accepted' });
      expect(await modernRequest(running, 'tools/list', 'prompts/list')).toBe(400);
    });
  });

  it('some break is flagged by lint', () => {
    expect(CASES.some((c) => lintRules(c.option).length > 0)).toBe(true);
  });
});

describe('the SDK client notices', () => {
  /** An SDK 1.x (2025-11-25) client on the front door; closed by the caller. */
  async function sdkClient(options: { enforceStrictCapabilities?: boolean } = {}): Promise<Client> {
    const client = new Client({ name: 'breaks-test', version: '1.0.0' }, options);
    await client.connect(new StreamableHTTPClientTransport(new URL(first().info.mcpUrl)));
    return client;
  }

  /** Runs `use` with the toggle on, then off again whatever happened. */
  async function withBreak<T>(toggle: string, option: string, use: () => Promise<T>): Promise<T> {
    first().inspector.setToggle(toggle, option);
    try {
      return await use();
    } finally {
      first().inspector.setToggle(toggle, 'off');
    }
  }

  it('an initialize answered with an unpublished version: it refuses to connect', async () => {
    await (await sdkClient()).close();
    await withBreak('break-version-negotiation', 'initialize-unknown-version', () => expect(sdkClient()).rejects.toThrow(/protocol version is not supported: DRAFT-2026-v1/));
  });

  it('prompts served without the capability: a client that holds servers to their capabilities will not list them (2025-11-25)', async () => {
    const listed = await sdkClient({ enforceStrictCapabilities: true });
    expect((await listed.listPrompts()).prompts.length).toBeGreaterThan(0);
    await listed.close();
    await withBreak('break-capabilities', 'prompts-undeclared', async () => {
      const client = await sdkClient({ enforceStrictCapabilities: true });
      try {
        expect(client.getServerCapabilities()?.prompts).toBeUndefined();
        await expect(client.listPrompts()).rejects.toThrow(/does not support prompts/);
      } finally {
        await client.close();
      }
    });
  });

  it('logging declared but logging/setLevel missing: setLoggingLevel fails with -32601', async () => {
    await withBreak('break-capabilities', 'logging-not-served', async () => {
      const client = await sdkClient();
      try {
        expect(client.getServerCapabilities()?.logging).toEqual({});
        await expect(client.setLoggingLevel('info')).rejects.toThrow(/-32601|Method not found/);
      } finally {
        await client.close();
      }
    });
  });
});

describe('break toggles', () => {
  it('compose: several at once, each off removes only its own break, in any order', () => {
    const { inspector } = first();
    inspector.setToggle('break-server-info', 'no-server-info');
    inspector.setToggle('break-caching', 'no-caching-hints');
    expect(inspector.profile.breaks).toEqual(['no-server-info', 'no-caching-hints']);
    inspector.setToggle('break-caching', 'invalid-caching-hints'); // another option of the same toggle replaces its own
    expect(inspector.profile.breaks).toEqual(['no-server-info', 'invalid-caching-hints']);
    inspector.setToggle('break-server-info', 'off');
    expect(inspector.profile.breaks).toEqual(['invalid-caching-hints']);
    inspector.setToggle('break-caching', 'off');
    expect(inspector.profile.breaks).toEqual([]);
  });

});

describe('in front of another server, as rules', () => {
  let upstream: Awaited<ReturnType<typeof startReferenceServer>>;
  let proxied: Awaited<ReturnType<typeof startInspector>>;
  beforeAll(async () => {
    upstream = await startReferenceServer({ preset: 'conformance' });
    proxied = await startInspector({ upstream: upstream.origin });
  });
  afterAll(async () => {
    await proxied?.close();
    await upstream?.close();
  });

  const options = REQUIREMENT_TOGGLES.flatMap((toggle) => toggle.options.slice(1).map((option) => ({ toggle, option })));
  const withRules = CASES.filter((c) => options.some(({ toggle, option }) => toggle.id === c.toggle && option.id === c.option && option.rules.length > 0));
  // One revision per break is enough here: the rules are the same whatever the revision.
  const once = withRules.filter((c, i) => withRules.findIndex((x) => x.option === c.option) === i);

  it('breaks that need the server itself are refused; the rest have rules', () => {
    expect(once.length).toBeGreaterThan(0);
    for (const { toggle, option } of options.filter((o) => o.option.rules.length === 0)) {
      expect(() => proxied.inspector.setToggle(toggle.id, option.id)).toThrow(/built-in reference server only/);
      expect(proxied.inspector.toggles[toggle.id]).toBeUndefined();
    }
  });

  it.each(once.map((c) => [`${c.toggle}=${c.option}`, c.revision, c] as const))('%s at %s: the suite notices the rules, and the exchanges name them', async (_name, revision, c) => {
    const before = proxied.ended.length;
    proxied.inspector.setToggle(c.toggle, c.option);
    try {
      for (const name of new Set(c.checks.map((check) => check.scenario))) {
        const run = await runServerSuite(node, proxied.info.mcpUrl, ['--scenario', name, '--spec-version', revision]);
        const checks = run.scenarios.get(name) ?? [];
        for (const check of c.checks.filter((x) => x.scenario === name)) expect(statuses(checks, check.check), `${check.check} in ${name}`).toContain(check.status);
      }
    } finally {
      proxied.inspector.setToggle(c.toggle, 'off');
    }
    const rules = options.find((o) => o.toggle.id === c.toggle && o.option.id === c.option)!.option.rules.map((r) => r.id);
    const changed = proxied.ended.slice(before).filter((e) => e.appliedRules.some((r) => rules.includes(r.ruleId)));
    expect(changed.length).toBeGreaterThan(0);
    // A JSON body the rule edited is recorded twice: as the client got it, and as the upstream sent it.
    for (const e of changed.filter((x) => !String(x.response?.headers['content-type']).includes('event-stream'))) {
      expect(e.upstreamResponse?.body?.data, e.request.url).toBeDefined();
      expect(e.upstreamResponse!.body!.data).not.toBe(e.response!.body?.data);
    }
  }, SUITE_TIMEOUT_MS);
});
