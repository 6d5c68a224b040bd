import type { CompareDifference, CompareSide, Comparison } from '../../../shared/compare';

// A comparison as text for the terminal: one line per step, left | right, and under each
// differing step what differs. Steps that match show as "=", differing ones as "≠".

const WIDTH = 56;
const STAGE_WIDTH = 14;

function cell(side: CompareSide | undefined): string {
  if (!side) return '—';
  const lint = side.findings.length ? ` [${side.findings.map((f) => f.ruleId).join(', ')}]` : '';
  return `#${side.position} ${side.method} ${side.path} → ${side.status ?? 'no answer'}  ${side.label}${lint}`;
}

function pad(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width);
}

function describeDifference(d: CompareDifference): string {
  const l = d.left ?? '(none)';
  const r = d.right ?? '(none)';
  switch (d.kind) {
    case 'only-left':
      return `only on the left: ${l}`;
    case 'only-right':
      return `only on the right: ${r}`;
    case 'lint':
      return d.left ? `lint ${d.name} on the left only` : `lint ${d.name} on the right only`;
    case 'request-header':
    case 'response-header':
      return `${d.kind === 'request-header' ? 'request' : 'response'} ${d.name}: ${l} | ${r}`;
    case 'oauth-param':
      return `${d.name}: ${l} | ${r}`;
    case 'order':
      return `order of ${d.name}: ${l} | ${r}`;
    case 'negotiated-version':
      return `negotiated protocol version: ${l} | ${r}`;
    case 'registration':
      return `registration: ${l} | ${r}`;
    default:
      return `${d.kind}: ${l} | ${r}`;
  }
}

export function renderComparison(comparison: Comparison): string {
  const { left, right } = comparison;
  const side = (name: string, c: Comparison['left']) =>
    `${name}: ${c.source}  ${c.client}, ${c.exchanges} exchanges, lint: ${c.lint.errors} errors, ${c.lint.warnings} warnings` +
    (c.registration ? `; registration ${c.registration}` : '') +
    (c.negotiatedVersion ? `; protocol ${c.negotiatedVersion}` : '');
  const lines = [side('left ', left), side('right', right), ''];
  lines.push(`   ${'stage'.padEnd(STAGE_WIDTH)}${pad('left', WIDTH)}  right`);
  for (const step of comparison.steps) {
    const mark = step.differences.length ? '≠' : '=';
    lines.push(` ${mark} ${step.stage.padEnd(STAGE_WIDTH)}${pad(cell(step.left), WIDTH)}  ${cell(step.right)}`);
    if (step.left && step.right) for (const d of step.differences) lines.push(`${' '.repeat(STAGE_WIDTH + 4)}· ${describeDifference(d)}`);
  }
  const whole = comparison.differences ?? [];
  if (whole.length) lines.push('', 'the connections as wholes:', ...whole.map((d) => ` ≠ ${describeDifference(d)}`));
  lines.push('', `${comparison.differingSteps} of ${comparison.steps.length} steps differ${whole.length ? `, and ${whole.length} difference${whole.length === 1 ? '' : 's'} of the whole` : ''}.`);
  return lines.join('\n');
}
