// @vitest-environment happy-dom
import { act } from 'react';
import { describe, expect, it } from 'vitest';
import type { InspectorStatus } from '../../src/shared/controlApi';
import { PRESETS } from '../../src/main/core/server/presets';
import { containerPerTest, mountApp, settle, STATUS } from './harness';

// The Toggles screen's "Reference server preset" list shows what the core's `presets.list`
// answers (the catalogue itself, as ControlService returns it), the `conformance` preset
// (`serve --profile conformance`) among them, and choosing one applies it.

describe('the Toggles screen’s presets', () => {
  const { dom, $$ } = containerPerTest();

  it('lists every preset of the catalogue, conformance included, and applies the one chosen', async () => {
    let status: InspectorStatus = { ...STATUS, presetId: 'spec' };
    const app = await mountApp(dom().root, {
      status: () => status,
      'presets.list': () => [...PRESETS],
      'preset.apply': (params) => {
        status = { ...status, presetId: (params as { presetId: string }).presetId };
        return status;
      },
    });
    await act(async () => app.store.getState().setView('toggles'));
    await settle();

    const items = $$('ul.presets li');
    expect(items.map((li) => li.querySelector('strong')!.textContent)).toEqual(PRESETS.map((p) => p.title));
    const conformance = items[PRESETS.findIndex((p) => p.id === 'conformance')]!;
    expect(conformance.textContent).toContain('Conformance suite target');
    const radio = conformance.querySelector<HTMLInputElement>('input[type=radio][name=preset]')!;
    expect(radio.checked).toBe(false);

    await act(async () => radio.click());
    expect(app.calls).toContainEqual(['preset.apply', { presetId: 'conformance' }]);
  });
});
