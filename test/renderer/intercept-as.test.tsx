// @vitest-environment happy-dom
import { act } from 'react';
import { describe, expect, it } from 'vitest';
import type { InspectorStatus } from '../../src/shared/controlApi';
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
