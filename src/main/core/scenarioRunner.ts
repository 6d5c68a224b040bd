import type { Exchange } from '../../shared/exchange';
import type { Scenario, ScenarioFile, ScenarioRunResult } from '../../shared/simulator';
import { Inspector } from './inspector';
import { createRedactor } from './recorder/redact';
import type { OAuthHooks } from './simulator';
import { judgeLint, judgeScenario } from './simulator/scenarios';

// Runs a bug-report scenario end to end: an inspector whose reference server misbehaves as the
// scenario says, the scenario's client simulated through its front door, and the verdict on
// whether the client failed where the reference says the real one did.

export interface ScenarioRunOptions {
  /** Run against the scenario's fixed server instead: the client must then connect. */
  fixed?: boolean;
  /** Record the run as a capture in this folder. */
  captureDir?: string;
  hooks?: OAuthHooks;
}

export interface ScenarioRun {
  result: ScenarioRunResult;
  /** Every exchange of the run, as the recorder saw it. */
  exchanges: Exchange[];
}

export async function runScenario(scenario: Scenario, options: ScenarioRunOptions = {}): Promise<ScenarioRun> {
  const server = options.fixed ? scenario.fixedServer : scenario.server;
  const inspector = await Inspector.create({
    port: 0,
    preset: server.preset,
    profile: server.profile,
    rules: server.rules,
    captureDir: options.captureDir,
    captureName: `scenario ${scenario.id}${options.fixed ? ' (fixed)' : ''}`,
  });
  const info = await inspector.start();
  try {
    for (const [toggle, option] of Object.entries(server.toggles ?? {})) inspector.setToggle(toggle, option);
    const simulation = await inspector.simulate(scenario.clientId, { headers: scenario.clientHeaders, hooks: options.hooks });
    await settled(inspector);
    const client = judgeScenario(scenario, simulation, options.fixed);
    const found = [...new Set(inspector.findings().map((finding) => finding.ruleId))];
    const lint = judgeLint(scenario, found, options.fixed);
    return {
      result: {
        scenarioId: scenario.id,
        reproduced: client.reproduced && lint.ok,
        explanation: `${client.explanation}; ${lint.explanation}`,
        simulation,
        lint: { expected: scenario.expectedLint, found, ok: lint.ok },
        ...(info.captureId ? { captureId: info.captureId } : {}),
      },
      exchanges: inspector.exchanges(),
    };
  } finally {
    await inspector.stop();
  }
}

/**
 * Resolves once every recorded exchange has ended: the simulator closed its streams when it
 * finished, and the recorder reports each close as an event shortly after.
 */
function settled(inspector: Inspector): Promise<void> {
  const open = () => inspector.exchanges().filter((e) => e.state === 'pending' || e.state === 'streaming').length;
  if (open() === 0) return Promise.resolve();
  return new Promise((resolve) => {
    // A stream the front door never sees closing must not hold the run forever.
    const timer = setTimeout(() => done(), 2_000);
    const unsubscribe = inspector.subscribe((event) => {
      if (event.type === 'exchange:end' && open() === 0) done();
    });
    const done = () => {
      clearTimeout(timer);
      unsubscribe();
      resolve();
    };
  });
}

/** A scenario as a shareable file, with its last run (secrets redacted unless `raw`). */
export function scenarioFile(scenario: Scenario, run?: ScenarioRun, options: { raw?: boolean } = {}): ScenarioFile {
  return {
    format: 'mcp-handshake-inspector-scenario',
    version: 1,
    scenario,
    ...(run ? { run: { ...run.result, exchanges: options.raw ? run.exchanges : run.exchanges.map(createRedactor()) } } : {}),
  };
}
