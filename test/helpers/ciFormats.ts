import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { XMLParser, XMLValidator } from 'fast-xml-parser';

// Validators for the CI report files, maintained by others: fast-xml-parser checks the JUnit
// XML is well-formed and reads it back; the SARIF 2.1.0 JSON schema (OASIS, errata 01, from
// github.com/oasis-tcs/sarif-spec `sarif-2.1/schema/sarif-schema-2.1.0.json`, a draft-04
// schema) is checked with Ajv's draft-04 build and ajv-formats.

export interface JunitCaseRead {
  classname: string;
  name: string;
  failure?: { message: string; text: string };
  skipped?: { message: string };
  'system-out'?: string;
}

export interface JunitSuiteRead {
  name: string;
  tests: number;
  failures: number;
  testcase: JunitCaseRead[];
}

/** Parses JUnit XML after checking it is well-formed and shaped testsuites > testsuite > testcase with consistent counts. */
export function readJunit(xml: string): JunitSuiteRead[] {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new Error(`JUnit XML is not well-formed: ${valid.err.msg} (line ${valid.err.line})`);
  const parsed = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    textNodeName: 'text',
    parseAttributeValue: true,
    isArray: (name) => name === 'testsuite' || name === 'testcase',
  }).parse(xml) as { testsuites?: { tests: number; failures: number; testsuite?: JunitSuiteRead[] } };
  const root = parsed.testsuites;
  if (!root) throw new Error('JUnit XML has no <testsuites> root');
  const suites = root.testsuite ?? [];
  for (const suite of suites) {
    suite.testcase ??= [];
    if (suite.tests !== suite.testcase.length) throw new Error(`suite ${suite.name}: tests="${suite.tests}" but ${suite.testcase.length} testcases`);
    const failed = suite.testcase.filter((c) => c.failure).length;
    if (suite.failures !== failed) throw new Error(`suite ${suite.name}: failures="${suite.failures}" but ${failed} failures`);
    for (const c of suite.testcase) if (!c.classname || !c.name) throw new Error(`suite ${suite.name}: a testcase without classname or name`);
  }
  if (root.failures !== suites.reduce((n, s) => n + s.failures, 0)) throw new Error('testsuites failures does not add up');
  return suites;
}

const schema = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/sarif-schema-2.1.0.json'), 'utf8')) as object;
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv); // the schema's uri, uri-reference and date-time formats are checked too
const validateSarifSchema = ajv.compile(schema);

/** Throws with the schema's complaints unless `log` is valid SARIF 2.1.0. */
export function assertValidSarif(log: unknown): void {
  if (!validateSarifSchema(log)) throw new Error(`not valid SARIF 2.1.0: ${JSON.stringify(validateSarifSchema.errors?.slice(0, 5))}`);
}
