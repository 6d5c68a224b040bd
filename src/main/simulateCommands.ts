import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import type { Comparison } from '../shared/compare';
import type { ClientProfile, Scenario, SimulationResult } from '../shared/simulator';
import { CommandError } from './captureCommands';
import { applyBaseline, junitXml, nowPassingNote, readExpectedFailures, writeReport, type JunitCase, type JunitSuite } from './ciReports';
import { compareConnections, type ConnectionInput } from './core/compare/compare';
import { CaptureTap } from './core/compare/captureTap';
import { renderComparison } from './core/compare/render';
import { capturesDir, defaultDataDir } from './core/dataDir';
import { loadConnection, loadExchanges } from './lintCommands';
import { runScenario, scenarioFile, type ScenarioRun } from './core/scenarioRunner';
import { checkUrl, formatResult, PROFILES, profileById, simulate, SimulationInputError, UnknownClientError, type OAuthHooks } from './core/simulator';
import { InvalidScenarioFileError, parseScenarioFile, scenarioById, SCENARIOS, UnknownScenarioError } from './core/simulator/scenarios';

// The CLI's simulator commands: `simulate` runs a client profile against a URL and exits
// non-zero when that client would fail (so it can gate a CI job); `scenario` lists, runs and
// exports the bug-report library.

type Out = (line: string) => void;

/** Raised when the client would fail: the CLI exits 1 after printing the result. */
export class ClientWouldFail extends Error {}

/** Turns the simulator's input errors into CLI errors with the same message. */
function asCommandError(err: unknown): never {
  if (err instanceof SimulationInputError || err instanceof UnknownClientError || err instanceof UnknownScenarioError || err instanceof InvalidScenarioFileError) {
    throw new CommandError(err.message);
  }
  throw err;
}

/**
 * Where a person must log in elsewhere: print the authorize URL and wait for the URL the
 * browser ended on, pasted on stdin. Goes to stderr so `--json` output stays clean.
 */
function stdinAuthorizationPrompt(): OAuthHooks['onAuthorizationRequired'] {
  return (authorizationUrl) =>
    new Promise((resolve, reject) => {
      process.stderr.write(
        `\nThis server wants a person to log in. Open this URL in a browser and sign in:\n\n  ${authorizationUrl}\n\n` +
          'The browser is then sent to the client\'s redirect URI (the page may not load: that is fine).\n' +
          'Paste the full address it ended on, then press Enter:\n> ',
      );
      const rl = createInterface({ input: process.stdin });
      let answered = false;
      rl.once('line', (line) => {
        answered = true;
        rl.close();
        resolve(line);
      });
      rl.once('close', () => {
        if (!answered) reject(new CommandError('No redirect URL on stdin: the authorization was not completed.'));
      });
    });
}

function parseHeaders(values: string[] | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const value of values ?? []) {
    const colon = value.indexOf(':');
    if (colon <= 0) throw new CommandError(`--header must look like "Name: value", got "${value}"`);
    headers[value.slice(0, colon).trim()] = value.slice(colon + 1).trim();
  }
  return headers;
}

function parseTimeout(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 100) throw new CommandError(`--timeout must be a whole number of milliseconds (at least 100), got "${value}"`);
  return ms;
}

function profileRow(p: ClientProfile): string {
  return `${p.id.padEnd(24)} ${p.client}${p.isDefault ? ' (default)' : ''}\n${' '.repeat(25)}${p.variant}\n${' '.repeat(25)}observed ${p.observed}; sources: ${p.sources.map((s) => s.ref).join(', ')}`;
}

/** The keys a failed step answers to in --expected-failures: `profile:step` and the whole `profile`. */
const stepKeys = (profileId: string, step: string) => [`${profileId}:${step}`, profileId];

/** A client's run as JUnit cases, one per step; failures on the baseline pass with a note. */
function stepCases(result: SimulationResult, expected: Set<string>): JunitCase[] {
  return result.steps.map((step) => {
    const details = [step.message, ...step.requests.map((r) => `${r.method} ${r.url} → ${r.status ?? r.error ?? 'no answer'}`)].filter(Boolean).join('\n');
    const base = { classname: result.profileId, name: `${step.step}: ${step.title}`, timeMs: step.requests.reduce((n, r) => n + r.ms, 0) };
    if (step.outcome === 'skipped') return { ...base, skipped: step.message || 'not reached' };
    if (step.outcome === 'fail') {
      const known = stepKeys(result.profileId, step.step).find((k) => expected.has(k));
      return known ? { ...base, output: `expected failure (${known} in --expected-failures): ${details}` } : { ...base, failure: { message: step.message, details } };
    }
    return step.outcome === 'warn' ? { ...base, output: `warning: ${step.message}` } : base;
  });
}

/** One row per client for a run of several: client, verdict, where it failed. */
function resultTable(results: SimulationResult[], expectedFailed: Set<SimulationResult>): string {
  const width = Math.max(6, ...results.map((r) => r.profileId.length));
  const verdict = (r: SimulationResult) => (r.ok ? (r.steps.some((s) => s.outcome === 'warn') ? 'ok (warnings)' : 'ok') : expectedFailed.has(r) ? 'FAILED (expected)' : 'FAILED');
  return [`${'client'.padEnd(width)}  ${'verdict'.padEnd(17)}  summary`, ...results.map((r) => `${r.profileId.padEnd(width)}  ${verdict(r).padEnd(17)}  ${r.summary}`)].join('\n');
}

/**
 * The real client's side of --compare-with: a whole HAR (or capture) is one client's session,
 * as `export --har` of a connection or a browser's devtools writes it; `FILE#N` picks a run as
 * `compare` does. Not grouped by default: a redacted export has lost the token that ties the
 * connect-with-token to the OAuth before it. Traffic the simulator sent is left out.
 */
async function capturedClient(spec: string, dataDir: string | undefined): Promise<ConnectionInput> {
  if (!existsSync(spec) && spec.includes('#')) return loadConnection(spec, dataDir);
  const { exchanges } = await loadExchanges(spec, dataDir);
  const real = exchanges.filter((e) => !e.simulated);
  if (real.length === 0) throw new CommandError(`${spec} has no exchange of a real client to compare with (${exchanges.length} simulated).`);
  return { source: spec, exchanges: real };
}

export async function simulateCommand(argv: string[], out: Out): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      client: { type: 'string', multiple: true },
      url: { type: 'string' },
      json: { type: 'boolean' },
      list: { type: 'boolean' },
      header: { type: 'string', multiple: true },
      timeout: { type: 'string' },
      strict: { type: 'boolean' },
      requests: { type: 'boolean' },
      call: { type: 'string' },
      junit: { type: 'string' },
      'expected-failures': { type: 'string' },
      'compare-with': { type: 'string' },
      // Every command takes --data-dir; simulate itself keeps nothing there (the front door it
      // goes through records).
      'data-dir': { type: 'string' },
    },
    strict: true,
  });
  if (values.list) {
    if (values.json) out(JSON.stringify(PROFILES, null, 2));
    else for (const p of PROFILES) out(profileRow(p));
    return;
  }
  const clients = values.client ?? [];
  if (clients.length === 0) throw new CommandError(`simulate needs --client <id> (see \`simulate --list\`): ${PROFILES.map((p) => p.id).join(', ')}`);
  if (!values.url) throw new CommandError('simulate needs --url <MCP endpoint URL>, e.g. --url https://example.com/mcp');
  const compareWith = values['compare-with'];
  if (compareWith && clients.length > 1) throw new CommandError('--compare-with compares one profile with a capture: give one --client');
  // The capture is read first: a wrong file name fails before the client runs.
  const captured = compareWith ? await capturedClient(compareWith, values['data-dir']) : undefined;
  const tap = compareWith ? new CaptureTap() : undefined;
  const expected = values['expected-failures'] ? readExpectedFailures(values['expected-failures']) : new Set<string>();
  const results: SimulationResult[] = [];
  try {
    // Every client is checked before the first one runs: a typo fails at once.
    const profiles = clients.map((id) => profileById(id));
    checkUrl(values.url);
    for (const profile of profiles) {
      results.push(
        await simulate(profile, {
          url: values.url,
          headers: parseHeaders(values.header),
          timeoutMs: parseTimeout(values.timeout),
          hooks: { onAuthorizationRequired: stdinAuthorizationPrompt() },
          ...(values.call ? { callTool: { name: values.call } } : {}),
          ...(tap ? { fetch: tap.fetch() } : {}),
        }),
      );
    }
  } catch (err) {
    asCommandError(err);
  }
  // Failed steps against the baseline: a client whose every failed step is listed passes.
  const failedSteps = results.flatMap((result) => result.steps.filter((s) => s.outcome === 'fail').map((step) => ({ result, step })));
  const judged = results.flatMap((r) => r.steps.flatMap((s) => stepKeys(r.profileId, s.step)));
  const baseline = applyBaseline(failedSteps, ({ result, step }) => stepKeys(result.profileId, step.step), expected, judged);
  const failedClients = new Set(baseline.unexpected.map(({ result }) => result));
  const expectedFailed = new Set(results.filter((r) => !r.ok && !failedClients.has(r)));

  // The profile on the left, the real client on the right; a User-Agent counts by its product
  // name (a profile carries the version it was observed with, the capture today's).
  const comparison: Comparison | undefined =
    tap && captured ? compareConnections({ source: `simulated ${results[0]!.profileId}`, exchanges: tap.exchanges() }, captured, { userAgent: 'product' }) : undefined;
  if (values.json) out(JSON.stringify(results.length === 1 ? { ...results[0], ...(comparison ? { comparison } : {}) } : results, null, 2));
  else {
    out(results.map((r) => formatResult(r, { requests: values.requests })).join('\n\n'));
    if (results.length > 1) out(`\n${resultTable(results, expectedFailed)}`);
    if (comparison) out(`\nCompared with the capture ${compareWith}:\n${renderComparison(comparison)}`);
  }
  if (values.junit) {
    writeReport(values.junit, junitXml(results.map((r) => ({ name: `simulate ${r.profileId} → ${r.url}`, timestamp: r.startedAt, cases: stepCases(r, expected) }))), '--junit');
  }
  const note = nowPassingNote(baseline.nowPassing);
  if (note) process.stderr.write(`${note}\n`);
  if (failedClients.size > 0) {
    const names = [...failedClients].map((r) => r.profileId).join(', ');
    throw new ClientWouldFail(`${names} would not connect to ${values.url} (details above).`);
  }
  const warned = results.filter((r) => r.steps.some((s) => s.outcome === 'warn'));
  if (values.strict && warned.length > 0) throw new ClientWouldFail(`${warned.map((r) => r.profileId).join(', ')} connected with warnings (--strict)`);
  // A difference from the capture is a report; with --strict it fails the job like a warning.
  const differing = comparison ? comparison.differingSteps + (comparison.differences?.length ?? 0) : 0;
  if (values.strict && differing > 0) throw new ClientWouldFail(`${results[0]!.profileId} differs from the capture ${compareWith} in ${differing} place${differing === 1 ? '' : 's'} (--strict)`);
}

function scenarioRow(s: Scenario): string {
  return `${s.id.padEnd(38)} ${s.title}\n${' '.repeat(39)}${s.reference}; client ${s.clientId}; expects ${s.expect.outcome} at ${s.expect.step}; lint ${s.expectedLint.join(', ') || 'none yet'}`;
}

/** A scenario by id, or from a scenario file (a path ending in .json). */
function loadScenario(ref: string): Scenario {
  if (!ref.endsWith('.json')) return scenarioById(ref);
  let text: string;
  try {
    text = readFileSync(ref, 'utf8');
  } catch (err) {
    throw new CommandError(`Cannot read the scenario file ${ref}: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new CommandError(`The scenario file ${ref} is not valid JSON: ${(err as Error).message}`);
  }
  return parseScenarioFile(json).scenario;
}

function formatScenarioRun(scenario: Scenario, run: ScenarioRun, fixed: boolean): string {
  const { result } = run;
  return [
    `${scenario.id}: ${scenario.title} (${scenario.reference})${fixed ? ' — with the fix' : ''}`,
    `  reference: ${scenario.symptom}`,
    formatResult(result.simulation)
      .split('\n')
      .map((l) => `  ${l}`)
      .join('\n'),
    `${result.reproduced ? (fixed ? 'FIXED' : 'REPRODUCED') : fixed ? 'NOT FIXED' : 'NOT REPRODUCED'}: ${result.explanation}`,
    `  lint found: ${result.lint.found.join(', ') || 'nothing'} (expected ${fixed ? 'none of ' : ''}${scenario.expectedLint.join(', ')})`,
    ...(fixed ? [] : [`  fix: ${scenario.fix}`]),
    ...(result.captureId ? [`  capture: ${result.captureId}`] : []),
  ].join('\n');
}

/**
 * A scenario run as a JUnit suite: its verdict (reproduced, or fixed with --fixed) and one case
 * per client step. Reproducing, the steps are expected to fail and only report; with the fix
 * applied every step must pass.
 */
function scenarioSuite(scenario: Scenario, run: ScenarioRun, fixed: boolean): JunitSuite {
  const { result } = run;
  const verdict = fixed ? 'fixed: the client connects with the fix applied' : `reproduced: ${scenario.expect.outcome} at ${scenario.expect.step}`;
  const steps = stepCases(result.simulation, new Set()).map((c) => (fixed || !c.failure ? c : { ...c, failure: undefined, output: `failed, as the report says: ${c.failure.details}` }));
  return {
    name: `scenario ${scenario.id}${fixed ? ' (fixed)' : ''}`,
    timestamp: result.simulation.startedAt,
    cases: [{ classname: scenario.id, name: verdict, timeMs: result.simulation.durationMs, ...(result.reproduced ? { output: result.explanation } : { failure: { message: result.explanation, details: `${scenario.reference}: ${scenario.symptom}` } }) }, ...steps.map((c) => ({ ...c, classname: scenario.id }))],
  };
}

export async function scenarioCommand(argv: string[], out: Out): Promise<void> {
  const [sub, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    options: {
      json: { type: 'boolean' },
      fixed: { type: 'boolean' },
      raw: { type: 'boolean' },
      'no-run': { type: 'boolean' },
      'no-capture': { type: 'boolean' },
      'data-dir': { type: 'string' },
      junit: { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  try {
    switch (sub) {
      case 'list':
        if (values.json) out(JSON.stringify(SCENARIOS, null, 2));
        else for (const s of SCENARIOS) out(scenarioRow(s));
        return;
      case 'run': {
        const [ref] = positionals;
        if (!ref) throw new CommandError(`scenario run needs a scenario id or file: ${SCENARIOS.map((s) => s.id).join(', ')}`);
        const scenario = loadScenario(ref);
        const captureDir = values['no-capture'] ? undefined : capturesDir(values['data-dir'] ?? defaultDataDir());
        const run = await runScenario(scenario, { fixed: values.fixed, captureDir, hooks: { onAuthorizationRequired: stdinAuthorizationPrompt() } });
        if (values.json) out(JSON.stringify(run.result, null, 2));
        else out(formatScenarioRun(scenario, run, !!values.fixed));
        if (values.junit) writeReport(values.junit, junitXml([scenarioSuite(scenario, run, !!values.fixed)]), '--junit');
        if (!run.result.reproduced) throw new ClientWouldFail(`${scenario.id}: ${values.fixed ? 'the fix did not make the client connect' : 'the failure was not reproduced'} (details above).`);
        return;
      }
      case 'export': {
        const [ref, file] = positionals;
        if (!ref || !file) throw new CommandError('scenario export needs a scenario id and a file: scenario export <id> <file.json>');
        const scenario = loadScenario(ref);
        const run = values['no-run'] ? undefined : await runScenario(scenario, { hooks: { onAuthorizationRequired: stdinAuthorizationPrompt() } });
        try {
          writeFileSync(file, `${JSON.stringify(scenarioFile(scenario, run, { raw: values.raw }), null, 2)}\n`);
        } catch (err) {
          throw new CommandError(`Cannot write ${file}: ${(err as Error).message}`);
        }
        out(`Wrote ${scenario.id} to ${file}${run ? ` with its run (${run.exchanges.length} exchanges${values.raw ? ', not redacted' : ', secrets redacted'})` : ''}`);
        return;
      }
      default:
        throw new CommandError(`scenario needs list, run <id|file.json> or export <id> <file.json>${sub ? `, not "${sub}"` : ''}`);
    }
  } catch (err) {
    asCommandError(err);
  }
}
