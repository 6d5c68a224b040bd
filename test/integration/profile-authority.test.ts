import { afterEach, describe, expect, it } from 'vitest';
import type { InspectorStatus } from '../../src/shared/controlApi';
import { REQUIREMENT_TOGGLES } from '../../src/main/core/proxy/toggles';
import { startControl } from '../helpers/control';

// The Inspector is the one authority over the built-in server's behaviour: the server runs
// preset ⊕ the user's profile edits ⊕ the toggles that are on, recomputed on every command.
// So whatever order presets, profile edits and toggles come in (through the control API, as the
// UI sends them), what the UI is told (status: toggles, profile) is what the wire does.

type Control = Awaited<ReturnType<typeof startControl>>;
let control: Control | undefined;
afterEach(async () => {
  await control?.close();
  control = undefined;
});

async function call<T>(name: string, params?: unknown): Promise<T> {
  const answer = await control!.api<T>(name, params);
  if (!answer.ok) throw new Error(`${name} ${JSON.stringify(params)}: ${answer.error?.message}`);
  return answer.result!;
}

/** What the wire does now: does initialize get a session id, and what status does a notification get. */
async function wire(): Promise<{ sessionId: 'issue' | 'omit'; notificationStatus: number }> {
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${control!.proxyOrigin}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers }, body: JSON.stringify(body) });
  const init = await post({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'authority-test', version: '1' } } });
  await init.arrayBuffer();
  const session = init.headers.get('mcp-session-id');
  const notified = await post({ jsonrpc: '2.0', method: 'notifications/initialized' }, { 'mcp-protocol-version': '2025-11-25', ...(session ? { 'mcp-session-id': session } : {}) });
  await notified.arrayBuffer();
  return { sessionId: session ? 'issue' : 'omit', notificationStatus: notified.status };
}

/** The UI's view must be the wire's behaviour. */
async function expectUiIsWire(step: string): Promise<InspectorStatus> {
  const status = await call<InspectorStatus>('status');
  expect(await wire(), step).toEqual({ sessionId: status.profile!.sessionId, notificationStatus: status.profile!.notificationStatus });
  for (const toggle of REQUIREMENT_TOGGLES) {
    const option = toggle.options.find((o) => o.id === status.toggles[toggle.id]);
    for (const id of option?.profile?.breaks ?? []) expect(status.profile!.breaks, `${step}: ${toggle.id}`).toContain(id);
  }
  if (status.toggles['session-id'] === 'omit') expect(status.profile!.sessionId, step).toBe('omit');
  if (status.toggles['notification-status']) expect(String(status.profile!.notificationStatus), step).toBe(status.toggles['notification-status']);
  return status;
}

describe('preset, profile edits and toggles compose in any order', () => {
  it('regression: a toggle stays in force, and on screen, across a preset', async () => {
    control = await startControl({ preset: 'no-auth' });
    await call('toggles.set', { toggleId: 'session-id', optionId: 'omit' });
    await call('preset.apply', { presetId: 'no-auth' });
    const status = await expectUiIsWire('after preset.apply');
    expect(status.toggles['session-id']).toBe('omit');
    expect((await wire()).sessionId).toBe('omit');
  });

  it('regression: a profile edit is the latest word; turning the toggle off keeps it', async () => {
    control = await startControl({ preset: 'no-auth' });
    await call('toggles.set', { toggleId: 'notification-status', optionId: '204' });
    await call('profile.set', { patch: { notificationStatus: 200 } });
    let status = await expectUiIsWire('after profile.set');
    expect(status.toggles['notification-status']).toBeUndefined(); // the edit took the field back from the toggle
    await call('toggles.set', { toggleId: 'notification-status', optionId: 'off' });
    status = await expectUiIsWire('after the toggle went off');
    expect((await wire()).notificationStatus).toBe(200);
    await call('toggles.set', { toggleId: 'notification-status', optionId: '204' });
    await call('toggles.set', { toggleId: 'notification-status', optionId: 'off' });
    expect((await wire()).notificationStatus).toBe(200); // back to the user's value, not the preset's 202
  });

  it('random sequences of commands: the UI always shows what the wire does', async () => {
    control = await startControl({ preset: 'no-auth' });
    // A seeded generator (mulberry32): a failure names its step and replays the same way.
    let seed = 0x5eed;
    const random = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const pick = <T,>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const breakToggle = REQUIREMENT_TOGGLES[0]!;
    const commands: Array<() => [string, unknown]> = [
      () => ['preset.apply', { presetId: pick(['no-auth', 'conformance']) }],
      () => ['profile.set', { patch: { notificationStatus: pick([200, 202, 204]) } }],
      () => ['profile.set', { patch: { sessionId: pick(['issue', 'omit']) } }],
      () => ['toggles.set', { toggleId: 'notification-status', optionId: pick(['off', '200', '204']) }],
      () => ['toggles.set', { toggleId: 'session-id', optionId: pick(['off', 'omit']) }],
      () => ['toggles.set', { toggleId: breakToggle.id, optionId: pick(breakToggle.options.map((o) => o.id)) }],
    ];
    const history: string[] = [];
    for (let step = 0; step < 60; step++) {
      const [name, params] = pick(commands)();
      history.push(`${name} ${JSON.stringify(params)}`);
      await call(name, params);
      await expectUiIsWire(history.join(' → '));
    }
  }, 120_000);
});
