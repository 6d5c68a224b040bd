import type { SimulationResult, StepOutcome } from '../../../shared/simulator';

// The text form of a simulation result, for the CLI and logs.

const MARK: Record<StepOutcome, string> = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL', skipped: 'skip' };

export function formatResult(result: SimulationResult, options: { requests?: boolean } = {}): string {
  const lines = [`${result.profileId} → ${result.url}`];
  for (const step of result.steps) {
    lines.push(`  ${MARK[step.outcome]}  ${step.title}${step.message ? `: ${step.message}` : ''}`);
    for (const round of step.rounds ?? []) {
      const asked = round.asked?.length ? `: asked for ${round.asked.map((a) => `${a.key} (${a.method})`).join(', ')}${round.requestState ? ', with requestState' : ''}` : '';
      lines.push(`          round ${round.round}, id ${round.rpcId} → ${round.answer}${asked}`);
    }
    if (options.requests) {
      for (const r of step.requests) {
        let path = r.url;
        try {
          const u = new URL(r.url);
          path = `${u.origin}${u.pathname}`;
        } catch {
          // keep the raw URL
        }
        lines.push(`          ${r.method} ${path} → ${r.status ?? r.error ?? '?'} (${r.ms} ms)`);
      }
    }
  }
  lines.push(`${result.ok ? 'OK' : 'FAILED'}: ${result.summary} (${result.durationMs} ms, run ${result.runId})`);
  return lines.join('\n');
}
