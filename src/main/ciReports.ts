import { readFileSync, writeFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { LINT_RULES, type LintFinding, type LintSeverity } from '../shared/lint';
import type { Exchange } from '../shared/exchange';
import { CommandError } from './captureCommands';

// What a CI job reads from the CLI: JUnit XML (`--junit`, every CI system shows it), SARIF 2.1.0
// (`lint --sarif`, code-scanning views), and a baseline of known failures
// (`--expected-failures`), as the MCP conformance suite has: a failure on the list passes, and a
// listed one that passes is reported so the list can shrink.

export interface JunitCase {
  /** The group a case belongs to: the client profile, the scenario, the lint source. */
  classname: string;
  name: string;
  timeMs?: number;
  /** Set when the case failed: a one-line message and the details. */
  failure?: { message: string; details: string };
  /** Why the case was not run. */
  skipped?: string;
  /** Said about a passing case: an expected failure, a warning. */
  output?: string;
}

export interface JunitSuite {
  name: string;
  timestamp?: number;
  cases: JunitCase[];
}

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
// Characters XML 1.0 can't carry at all (control characters other than tab, LF, CR).
// eslint-disable-next-line no-control-regex
const XML_INVALID = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;
const xml = (text: string) => text.replace(XML_INVALID, '\ufffd').replace(/[&<>"']/g, (c) => XML_ESCAPES[c]!);
const seconds = (ms: number | undefined) => ((ms ?? 0) / 1000).toFixed(3);

/** JUnit XML in the shape Jenkins, GitHub Actions reporters and GitLab read (testsuites > testsuite > testcase). */
export function junitXml(suites: JunitSuite[]): string {
  const count = (s: JunitSuite, what: 'failure' | 'skipped') => s.cases.filter((c) => c[what]).length;
  const total = (what: 'failure' | 'skipped') => suites.reduce((n, s) => n + count(s, what), 0);
  const time = (s: JunitSuite) => s.cases.reduce((n, c) => n + (c.timeMs ?? 0), 0);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="mcp-handshake-inspector" tests="${suites.reduce((n, s) => n + s.cases.length, 0)}" failures="${total('failure')}" errors="0" skipped="${total('skipped')}" time="${seconds(suites.reduce((n, s) => n + time(s), 0))}">`,
  ];
  for (const suite of suites) {
    const stamp = suite.timestamp ? ` timestamp="${new Date(suite.timestamp).toISOString().slice(0, 19)}"` : '';
    lines.push(`  <testsuite name="${xml(suite.name)}" tests="${suite.cases.length}" failures="${count(suite, 'failure')}" errors="0" skipped="${count(suite, 'skipped')}" time="${seconds(time(suite))}"${stamp}>`);
    for (const c of suite.cases) {
      const open = `    <testcase classname="${xml(c.classname)}" name="${xml(c.name)}" time="${seconds(c.timeMs)}"`;
      const body: string[] = [];
      if (c.failure) body.push(`      <failure message="${xml(c.failure.message)}" type="failure">${xml(c.failure.details)}</failure>`);
      if (c.skipped) body.push(`      <skipped message="${xml(c.skipped)}"/>`);
      if (c.output) body.push(`      <system-out>${xml(c.output)}</system-out>`);
      lines.push(body.length ? `${open}>\n${body.join('\n')}\n    </testcase>` : `${open}/>`);
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>', '');
  return lines.join('\n');
}

/** Writes a report file, or a one-line error naming the option. */
export function writeReport(file: string, text: string, option: string): void {
  try {
    writeFileSync(file, text);
  } catch (err) {
    throw new CommandError(`${option}: cannot write ${file}: ${(err as Error).message}`);
  }
}

/**
 * The known failures a job accepts: a JSON array or a YAML list of strings (`claude-ai:oauth.dcr`,
 * a lint rule id). `# comments` in YAML say why each is there.
 */
export function readExpectedFailures(file: string): Set<string> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new CommandError(`--expected-failures: cannot read ${file}: ${(err as Error).message}`);
  }
  let list: unknown;
  try {
    // YAML is a superset of JSON: one parser reads both.
    list = parseYaml(text);
  } catch (err) {
    throw new CommandError(`--expected-failures: ${file} is neither JSON nor YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  if (list === null || list === undefined) return new Set();
  if (!Array.isArray(list) || !list.every((item): item is string => typeof item === 'string' && item.trim() !== '')) {
    throw new CommandError(`--expected-failures: ${file} must be a list of strings (e.g. "claude-ai@2026-03:oauth.dcr" or a lint rule id), one per known failure`);
  }
  return new Set(list.map((item) => item.trim()));
}

/** Failures judged against a baseline: what still fails the job, and the baseline's stale entries. */
export interface Baselined<T> {
  unexpected: T[];
  expected: T[];
  /** Baseline entries this run could have failed but didn't: the list can shrink. */
  nowPassing: string[];
}

/**
 * Splits failures into expected and unexpected. A failure matches an entry by any of its keys
 * (a step matches `profile:step` and `profile`); `considered` are the keys this run judged, so
 * an entry for a client that didn't run is not called passing.
 */
export function applyBaseline<T>(failures: T[], keysOf: (failure: T) => string[], expected: Set<string>, considered: Iterable<string>): Baselined<T> {
  const used = new Set<string>();
  const result: Baselined<T> = { unexpected: [], expected: [], nowPassing: [] };
  for (const failure of failures) {
    const key = keysOf(failure).find((k) => expected.has(k));
    if (key) {
      used.add(key);
      result.expected.push(failure);
    } else result.unexpected.push(failure);
  }
  const judged = new Set(considered);
  result.nowPassing = [...expected].filter((entry) => !used.has(entry) && judged.has(entry));
  return result;
}

/** The one line a CI log shows for baseline entries that passed. */
export function nowPassingNote(entries: string[]): string | undefined {
  if (entries.length === 0) return undefined;
  return `note: expected to fail but passed (remove from --expected-failures): ${entries.join(', ')}`;
}

// ---- SARIF 2.1.0 --------------------------------------------------------------------------

const SARIF_LEVEL: Record<LintSeverity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };

/**
 * Lint findings as a SARIF 2.1.0 log. The "artifact" is the capture or HAR file the exchanges
 * came from; each result names its exchange as a logical location (method and URL), since
 * exchanges have no lines in a file. Expected failures are kept, marked with a suppression.
 */
export function sarifLog(findings: LintFinding[], exchanges: readonly Exchange[], options: { source: string; expected?: Set<string> }): object {
  const byId = new Map(exchanges.map((e) => [e.id, e]));
  const used = [...new Set(findings.map((f) => f.ruleId))];
  const rules = LINT_RULES.filter((r) => used.includes(r.id));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'mcp-handshake-inspector',
            informationUri: 'https://www.npmjs.com/package/mcp-handshake-inspector',
            rules: rules.map((r) => ({
              id: r.id,
              name: r.id.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase()),
              shortDescription: { text: r.title },
              fullDescription: { text: r.explanation },
              help: { text: r.fix },
              ...(r.sources[0] ? { helpUri: r.sources[0].url } : {}),
              defaultConfiguration: { level: SARIF_LEVEL[r.severity] },
            })),
          },
        },
        artifacts: [{ location: { uri: options.source } }],
        results: findings.map((f) => {
          const exchange = byId.get(f.exchangeId);
          return {
            ruleId: f.ruleId,
            ruleIndex: rules.findIndex((r) => r.id === f.ruleId),
            level: SARIF_LEVEL[f.severity],
            message: { text: `${f.message} Fix: ${f.fix}` },
            locations: [
              {
                physicalLocation: { artifactLocation: { uri: options.source, index: 0 } },
                logicalLocations: [{ name: exchange ? `${exchange.request.method} ${exchange.request.url}` : f.exchangeId, fullyQualifiedName: `exchange/${f.exchangeId}`, kind: 'object' }],
              },
            ],
            ...(options.expected?.has(f.ruleId) ? { suppressions: [{ kind: 'external', justification: 'listed in --expected-failures' }] } : {}),
            properties: { exchangeId: f.exchangeId, ...(f.connectionId ? { connectionId: f.connectionId } : {}), ...(f.causedBy ? { causedBy: f.causedBy } : {}) },
          };
        }),
      },
    ],
  };
}
