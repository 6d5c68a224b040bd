import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

// axe-core in the page under test: WCAG 2.x A and AA violations, described so that a failing
// test says the rule, the element and axe's own summary. Pages need bypassCSP (the UI's CSP
// forbids inline scripts, axe's tag among them).

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core');
/** WCAG 2.0 and 2.1, levels A and AA. */
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

export interface Violation {
  id: string;
  impact?: string | null;
  help: string;
  nodes: Array<{ target: string; summary: string }>;
}

export async function audit(page: Page): Promise<Violation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE });
  return page.evaluate(async (tags) => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: Array<{ id: string; impact?: string | null; help: string; nodes: Array<{ target: unknown[]; failureSummary?: string }> }> }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: (n.failureSummary ?? '').replace(/\s+/g, ' ') })) }));
  }, TAGS);
}

export const describeViolations = (violations: Violation[]) =>
  violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n${v.nodes.slice(0, 8).map((n) => `  ${n.target}: ${n.summary}`).join('\n')}`).join('\n');
