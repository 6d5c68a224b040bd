// @vitest-environment happy-dom
import { act } from 'react';
import { describe, expect, it } from 'vitest';
import type { InspectorStatus } from '../../src/shared/controlApi';
import { TOGGLES } from '../../src/main/core/proxy/toggles';
import { containerPerTest, mountApp, openScreen, settle, STATUS } from './harness';

// The Settings screen's --intercept-as switch: shown as the core says it is, sent with the
// upstream on Apply (the core remembers it per upstream), off for the built-in server.

describe('the Settings screen’s --intercept-as switch', () => {
  const { dom, $$ } = containerPerTest();

  it('reflects the status and is sent with the upstream', async () => {
    let status: InspectorStatus = { ...STATUS, upstream: { builtIn: false, health: 'up', url: 'http://127.0.0.1:3000/', interceptAs: true } };
    const app = await mountApp(dom().root, {
      status: () => status,
      'upstream.set': (params) => {
        const { upstream, interceptAs } = params as { upstream: string | null; interceptAs?: boolean };
        status = { ...status, upstream: { builtIn: upstream === null, health: 'up', url: upstream ?? undefined, interceptAs: !!interceptAs } };
        return status;
      },
    });
    await openScreen(dom().container, 'Settings');

    const checkbox = $$('input[type=checkbox]').find((input) => input.parentElement!.textContent!.includes('--intercept-as')) as HTMLInputElement;
    expect(checkbox.checked).toBe(true);
    expect(checkbox.disabled).toBe(false);
    await act(async () => checkbox.click());
    expect(checkbox.checked).toBe(false);
    const apply = $$('button').find((button) => button.textContent === 'Apply')!;
    await act(async () => apply.click());
    await settle();
    expect(app.calls).toContainEqual(['upstream.set', { upstream: 'http://127.0.0.1:3000/', interceptAs: false }]);

    const builtIn = $$('input[type=radio][name=upstream]')[0] as HTMLInputElement;
    await act(async () => builtIn.click());
    expect(checkbox.disabled).toBe(true);
    await act(async () => apply.click());
    await settle();
    expect(app.calls).toContainEqual(['upstream.set', { upstream: null }]);
  });
});

describe('the Toggles screen in front of an upstream whose AS is intercepted', () => {
  const { dom, $, $$ } = containerPerTest();

  const optionInput = (toggleId: string, optionId: string) => $(`[data-testid=toggle-${toggleId}] input[value="${optionId}"]`) as HTMLInputElement;

  it('disables the options only the built-in server can play, says why, and keeps the ones that act on the intercepted AS', async () => {
    const status: InspectorStatus = { ...STATUS, upstream: { builtIn: false, health: 'up', url: 'http://127.0.0.1:3000/', interceptAs: true } };
    await mountApp(dom().root, { status: () => status, 'toggles.list': () => TOGGLES });
    await openScreen(dom().container, 'Toggles & rules');
    expect($('[data-testid=toggles-intercept-note]')?.textContent).toContain('act on its answers as on the built-in one’s');
    for (const [toggle, option] of [['issuer-trailing-slash', 'added'], ['access-token-kid', 'jwe']]) {
      const input = optionInput(toggle!, option!);
      expect(input.disabled, `${toggle}=${option}`).toBe(true);
      expect(input.parentElement!.getAttribute('title')).toContain('nor on the intercepted authorization server’s answers');
    }
    for (const [toggle, option] of [['dcr', 'disabled'], ['dcr', 'initial-access-token'], ['code-challenge-methods', 'plain-only'], ['as-metadata', 'openid-only'], ['issuer-trailing-slash', 'off']]) {
      expect(optionInput(toggle!, option!).disabled, `${toggle}=${option}`).toBe(false);
    }
    expect($$('input[type=radio]:disabled').length).toBeGreaterThan(0);
  });

  it('with the built-in server every option can be chosen and there is no note', async () => {
    await mountApp(dom().root, { 'toggles.list': () => TOGGLES });
    await openScreen(dom().container, 'Toggles & rules');
    expect($('[data-testid=toggles-intercept-note]')).toBeNull();
    expect(optionInput('issuer-trailing-slash', 'added').disabled).toBe(false);
  });
});
