import { describe, expect, it } from 'vitest';
import { parseChallenge } from '../../src/main/core/simulator/oauth';
import { PROFILES, profileById, UnknownClientError } from '../../src/main/core/simulator/profiles';
import { InvalidScenarioFileError, judgeScenario, parseScenarioFile, SCENARIOS } from '../../src/main/core/simulator/scenarios';
import type { SimulationResult } from '../../src/shared/simulator';
import { PRESETS } from '../../src/main/core/server/presets';
import { TOGGLES } from '../../src/main/core/proxy/toggles';

describe('parseChallenge', () => {
  it('reads resource_metadata and scope from a Bearer challenge, quoted or not', () => {
    expect(parseChallenge('Bearer resource_metadata="https://h/.well-known/oauth-protected-resource/mcp", scope="mcp read"')).toEqual({
      scheme: 'Bearer',
      resourceMetadata: 'https://h/.well-known/oauth-protected-resource/mcp',
      scope: 'mcp read',
      error: undefined,
    });
    // losvedir/remote_mcp_auth's server sent the URL unquoted.
    expect(parseChallenge('Bearer resource_metadata=https://x.trycloudflare.com/.well-known/oauth-protected-resource')?.resourceMetadata).toBe('https://x.trycloudflare.com/.well-known/oauth-protected-resource');
    expect(parseChallenge('bearer error="invalid_token"')).toMatchObject({ scheme: 'bearer', error: 'invalid_token' });
    expect(parseChallenge(null)).toBeUndefined();
  });
});

describe('profiles', () => {
  it('have unique ids, one default per family, sources and an observed date', () => {
    expect(new Set(PROFILES.map((p) => p.id)).size).toBe(PROFILES.length);
    for (const family of new Set(PROFILES.map((p) => p.family))) {
      expect(PROFILES.filter((p) => p.family === family && p.isDefault), family).toHaveLength(1);
    }
    for (const p of PROFILES) {
      expect(p.sources.length, p.id).toBeGreaterThan(0);
      expect(p.observed, p.id).not.toBe('');
      expect(p.id.startsWith(`${p.family}@`), p.id).toBe(true);
    }
  });

  it('are found by id or by family (its default variant), and an unknown id names the known ones', () => {
    expect(profileById('claude-ai@2025-06').id).toBe('claude-ai@2025-06');
    expect(profileById('claude-ai').id).toBe('claude-ai@2026-09'); // the newest observed variant
    expect(() => profileById('netscape')).toThrow(UnknownClientError);
    expect(() => profileById('netscape')).toThrow(/claude-code@1\.0\.108/);
  });

  it('survive a JSON round trip unchanged (they are data)', () => {
    expect(JSON.parse(JSON.stringify(PROFILES))).toEqual(PROFILES);
  });
});

describe('scenarios', () => {
  it('name existing clients, presets and toggle options', () => {
    for (const s of SCENARIOS) {
      expect(() => profileById(s.clientId)).not.toThrow();
      for (const server of [s.server, s.fixedServer]) {
        if (server.preset) expect(PRESETS.map((p) => p.id), s.id).toContain(server.preset);
        for (const [toggle, option] of Object.entries(server.toggles ?? {})) {
          expect(TOGGLES.find((t) => t.id === toggle)?.options.map((o) => o.id), `${s.id} ${toggle}`).toContain(option);
        }
      }
      // A scenario names the lint finding that explains it, or says which rule is still missing.
      if (s.lintGap) expect(s.expectedLint, s.id).toEqual([]);
      else expect(s.expectedLint.length, s.id).toBeGreaterThan(0);
    }
  });

  const scenario = SCENARIOS.find((s) => s.id === 'ref001-pitfall3-get-501')!;
  const result = (over: Partial<SimulationResult>): SimulationResult => ({ runId: 'r', profileId: 'claude-ai@2025-10', url: 'http://h/mcp', ok: true, summary: 's', steps: [], startedAt: 0, durationMs: 0, ...over });

  it('judge a run: reproduced only when the client failed at the expected step', () => {
    const failedThere = result({ ok: false, failedAt: 'get-stream', steps: [{ step: 'get-stream', title: 'GET /mcp', outcome: 'fail', message: 'would terminate: GET /mcp answered 501', requests: [] }] });
    expect(judgeScenario(scenario, failedThere).reproduced).toBe(true);
    const failedElsewhere = result({ ok: false, failedAt: 'initialize', steps: [{ step: 'initialize', title: 'POST /mcp', outcome: 'fail', message: 'answered 401', requests: [] }] });
    expect(judgeScenario(scenario, failedElsewhere).reproduced).toBe(false);
    expect(judgeScenario(scenario, result({})).reproduced).toBe(false);
    expect(judgeScenario(scenario, result({ summary: 'connected and listed 5 tools' }), true).reproduced).toBe(true);
  });

  it('read back from a file, and a bad file says what is wrong', () => {
    const file = { format: 'mcp-handshake-inspector-scenario', version: 1, scenario };
    expect(parseScenarioFile(JSON.parse(JSON.stringify(file))).scenario).toEqual(scenario);
    expect(() => parseScenarioFile({ format: 'har' })).toThrow(InvalidScenarioFileError);
    expect(() => parseScenarioFile({ ...file, scenario: { ...scenario, clientId: 'netscape' } })).toThrow(/Unknown client "netscape"/);
    expect(() => parseScenarioFile({ ...file, scenario: { ...scenario, expect: { outcome: 'maybe', step: 'x' } } })).toThrow(/expect/);
  });
});
