import { existsSync, readFileSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Boundary, Exchange } from '../shared/exchange';
import { LINT_RULE_IDS, LINT_RULES, type LintFinding } from '../shared/lint';
import { CommandError } from './captureCommands';
import { applyBaseline, junitXml, nowPassingNote, readExpectedFailures, sarifLog, writeReport, type JunitCase, type JunitSuite } from './ciReports';
import { compareConnections } from './core/compare/compare';
import { renderComparison } from './core/compare/render';
import { capturesDir, defaultDataDir } from './core/dataDir';
import { groupConnections, lintExchanges } from './core/lint/engine';
import { renderLintReport } from './core/lint/report';
import { assertCaptureId, CaptureStore, skippedLinesNote } from './core/recorder/captureStore';
import { fromHar } from './core/recorder/har';

// The CLI's `lint` and `compare`: judge a saved capture (a HAR file or a capture id from the
// store), and put two connections side by side. Both print text, or JSON with --json.

const COMMON_OPTIONS = { 'data-dir': { type: 'string' }, json: { type: 'boolean' } } as const;

/** Exchanges of a HAR file or of a capture in the store; `what` is how the user named it. */
export async function loadExchanges(what: string, dataDir: string | undefined): Promise<{ exchanges: Exchange[]; boundaries: Boundary[] }> {
  if (existsSync(what) && statSync(what).isFile()) {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(what, 'utf8'));
    } catch (err) {
      throw new CommandError(`Cannot read ${what}: it is not valid JSON (${(err as Error).message}).`);
    }
    try {
      return { exchanges: fromHar(json), boundaries: [] };
    } catch (err) {
      throw new CommandError(`Cannot read ${what}: ${(err as Error).message}.`);
    }
  }
  try {
    assertCaptureId(what);
  } catch {
    throw new CommandError(`"${what}" is neither a file nor a capture id (captures look like 2026-11-24T14-03-00Z-1a2b3c4d; list them with \`captures list\`).`);
  }
  const store = new CaptureStore(capturesDir(dataDir ?? defaultDataDir()));
  try {
    const read = await store.read(what);
    // On stderr: stdout may be --json.
    if (read.skipped.length > 0) process.stderr.write(`${skippedLinesNote(what, read.skipped)}\n`);
    return read;
  } catch (err) {
    throw new CommandError(`Cannot open capture "${what}": ${(err as Error).message}. List the captures with \`captures list\`.`);
  }
}

export async function lintCommand(argv: string[], out: (line: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { ...COMMON_OPTIONS, 'sse-idle-limit': { type: 'string' }, sarif: { type: 'string' }, junit: { type: 'string' }, 'expected-failures': { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  const [source] = positionals;
  if (!source || positionals.length > 1) throw new CommandError('Usage: lint <capture.har | capture-id> [--json] [--sse-idle-limit <seconds>] [--sarif FILE] [--junit FILE] [--expected-failures FILE]');
  const idle = values['sse-idle-limit'];
  const seconds = idle === undefined ? undefined : Number(idle);
  if (seconds !== undefined && !(seconds > 0)) throw new CommandError(`--sse-idle-limit must be a positive number of seconds, got "${idle}"`);
  const expected = values['expected-failures'] ? readExpectedFailures(values['expected-failures']) : new Set<string>();
  const { exchanges, boundaries } = await loadExchanges(source, values['data-dir']);
  const report = lintExchanges(exchanges, { grouping: groupConnections(exchanges, boundaries), ...(seconds ? { sseIdleLimitMs: seconds * 1000 } : {}) });
  if (values.json) out(JSON.stringify({ source, exchanges: exchanges.length, connections: report.connections, findings: report.findings }, null, 2));
  else out(renderLintReport(report, exchanges, source));
  if (values.sarif) writeReport(values.sarif, `${JSON.stringify(sarifLog(report.findings, exchanges, { source, expected }), null, 2)}\n`, '--sarif');
  if (values.junit) writeReport(values.junit, junitXml([lintSuite(report.findings, source, expected)]), '--junit');
  // Errors fail the job unless their rule is on the baseline; rules on it that found nothing are noted.
  const errors = report.findings.filter((f) => f.severity === 'error');
  const baseline = applyBaseline(errors, (f) => [f.ruleId], expected, LINT_RULE_IDS);
  const note = nowPassingNote(baseline.nowPassing);
  if (note) process.stderr.write(`${note}\n`);
  return baseline.unexpected.length > 0 ? 1 : 0;
}

/** Lint as JUnit: one case per rule, failing with its error findings (warnings are output). */
function lintSuite(findings: LintFinding[], source: string, expected: Set<string>): JunitSuite {
  const cases: JunitCase[] = LINT_RULES.map((rule) => {
    const found = findings.filter((f) => f.ruleId === rule.id);
    const base = { classname: `lint ${source}`, name: `${rule.id}: ${rule.title}` };
    const details = found.map((f) => `${f.severity} on exchange ${f.exchangeId}: ${f.message}`).join('\n');
    const errors = found.filter((f) => f.severity === 'error');
    if (errors.length === 0) return found.length ? { ...base, output: details } : base;
    if (expected.has(rule.id)) return { ...base, output: `expected failure (${rule.id} in --expected-failures):\n${details}` };
    return { ...base, failure: { message: `${errors.length} error${errors.length === 1 ? '' : 's'}: ${errors[0]!.message}`, details: `${details}\nFix: ${rule.fix}` } };
  });
  return { name: `lint ${source}`, cases };
}

/**
 * `file-or-capture#connection`: a client run, named by its position (from 1, oldest first) or
 * its id, or a unique part of it. Without one, the run with the most exchanges.
 */
export async function loadConnection(spec: string, dataDir: string | undefined) {
  const hash = existsSync(spec) ? -1 : spec.lastIndexOf('#');
  const what = hash === -1 ? spec : spec.slice(0, hash);
  const wanted = hash === -1 ? undefined : spec.slice(hash + 1);
  const { exchanges, boundaries } = await loadExchanges(what, dataDir);
  const { runOf } = groupConnections(exchanges, boundaries);
  const ids = [...new Set([...runOf.values()].filter((id): id is string => id !== undefined))];
  const members = (id: string) => exchanges.filter((e) => runOf.get(e.id) === id);
  const listing = () => ids.map((id, i) => `#${i + 1} ${id} (${members(id).length} exchanges)`).join(', ');
  if (ids.length === 0) throw new CommandError(`${what} has no client connection to compare (${exchanges.length} exchanges).`);
  let id: string | undefined;
  if (wanted === undefined) id = [...ids].sort((a, b) => members(b).length - members(a).length)[0];
  else if (/^\d+$/.test(wanted)) id = ids[Number(wanted) - 1];
  else {
    const matching = ids.filter((c) => c === wanted || c.includes(wanted));
    id = matching.length === 1 ? matching[0] : ids.find((c) => c === wanted);
  }
  if (!id) throw new CommandError(`No single connection "${wanted}" in ${what}. Its connections: ${listing()}.`);
  return { source: `${what}#${ids.indexOf(id) + 1}`, connectionId: id, exchanges: members(id) };
}

export async function compareCommand(argv: string[], out: (line: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: COMMON_OPTIONS, allowPositionals: true, strict: true });
  if (positionals.length !== 2) throw new CommandError('Usage: compare <capture-or-har>[#connection] <capture-or-har>[#connection] [--json]');
  const left = await loadConnection(positionals[0]!, values['data-dir']);
  const right = await loadConnection(positionals[1]!, values['data-dir']);
  const comparison = compareConnections(left, right);
  out(values.json ? JSON.stringify(comparison, null, 2) : renderComparison(comparison));
  return 0;
}
