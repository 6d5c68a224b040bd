import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyBaseline, junitXml, readExpectedFailures } from '../../src/main/ciReports';
import { readJunit } from '../helpers/ciFormats';

const dir = mkdtempSync(join(tmpdir(), 'mcp-inspector-ci-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('JUnit XML', () => {
  it('stays well-formed whatever a server answered: markup, quotes and control characters in messages', () => {
    const hostile = 'answered <html>"oops" & \'more\'\u0000\u001b[31m';
    const suites = readJunit(
      junitXml([{ name: 'simulate <x>', timestamp: Date.UTC(2026, 11, 5), cases: [{ classname: 'c&d', name: hostile, timeMs: 1234, failure: { message: hostile, details: `${hostile}\nline 2` } }, { classname: 'c', name: 'skipped', skipped: 'not reached' }] }]),
    );
    expect(suites[0]).toMatchObject({ name: 'simulate <x>', tests: 2, failures: 1 });
    expect(suites[0]!.testcase[0]!.failure!.message).toBe('answered <html>"oops" & \'more\'\ufffd\ufffd[31m');
    expect(suites[0]!.testcase[1]!.skipped).toEqual({ message: 'not reached' });
  });
});

describe('--expected-failures', () => {
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('reads a YAML list with comments and a JSON array alike', () => {
    expect([...readExpectedFailures(file('a.yaml', '# known\n- claude-ai:get-stream  # 2025-10 logs\n- get-mcp-501\n'))]).toEqual(['claude-ai:get-stream', 'get-mcp-501']);
    expect([...readExpectedFailures(file('b.json', '["chatgpt@2026:oauth.prm"]'))]).toEqual(['chatgpt@2026:oauth.prm']);
    expect(readExpectedFailures(file('empty.yaml', '# nothing known\n')).size).toBe(0);
  });

  it('refuses what is not a list of strings, and a file that is not there, in one line', () => {
    expect(() => readExpectedFailures(file('c.yaml', 'a: 1\n'))).toThrow(/must be a list of strings/);
    expect(() => readExpectedFailures(file('d.json', '[1, 2]'))).toThrow(/must be a list of strings/);
    expect(() => readExpectedFailures(join(dir, 'missing.yaml'))).toThrow(/^--expected-failures: cannot read /);
  });

  it('splits failures into expected and not, and names listed entries that passed, but not entries for what did not run', () => {
    const failures = [{ key: 'a:1' }, { key: 'b:2' }];
    const result = applyBaseline(failures, (f) => [f.key, f.key.split(':')[0]!], new Set(['a', 'c:3', 'z:9']), ['a:1', 'a', 'b:2', 'b', 'c:3', 'c']);
    expect(result.expected).toEqual([{ key: 'a:1' }]);
    expect(result.unexpected).toEqual([{ key: 'b:2' }]);
    expect(result.nowPassing).toEqual(['c:3']);
  });
});
