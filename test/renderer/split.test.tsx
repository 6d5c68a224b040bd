// @vitest-environment happy-dom
import { act } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DETAIL_DEFAULT, DETAIL_MAX, DETAIL_MIN, SPLIT_KEY } from '../../src/renderer/src/components/Split';
import { row } from './fixtures';
import { createContainer, mountApp, settle } from './harness';

// The divider between the timeline and the detail pane: keyboard-accessible, remembered.

describe('the timeline | detail split', () => {
  let dom: ReturnType<typeof createContainer>;
  beforeEach(() => {
    dom = createContainer();
    localStorage.clear();
  });
  afterEach(() => dom.unmount());

  const open = async () => {
    const rows = [row(), row()];
    const app = await mountApp(dom.root, { 'exchanges.list': () => rows, 'exchanges.get': () => null });
    await act(async () => app.store.getState().select(rows[0]!.id));
    await settle();
    return app;
  };
  const divider = () => dom.container.querySelector('[data-testid=split-divider]') as HTMLElement;
  const detailShare = () => Number.parseFloat((dom.container.querySelector('[data-testid=detail-slot]') as HTMLElement).style.flexBasis);
  const press = (key: string, init: KeyboardEventInit = {}) => act(async () => divider().dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, ...init })));

  it('is a focusable vertical separator that moves with the arrow keys, and remembers where it was left', async () => {
    await open();
    expect(divider().getAttribute('role')).toBe('separator');
    expect(divider().getAttribute('aria-orientation')).toBe('vertical');
    expect(divider().tabIndex).toBe(0);
    expect(detailShare()).toBe(DETAIL_DEFAULT);
    expect(divider().getAttribute('aria-valuenow')).toBe(String(100 - DETAIL_DEFAULT));

    await press('ArrowLeft'); // the divider goes left: the detail pane grows
    expect(detailShare()).toBe(DETAIL_DEFAULT + 2);
    await press('ArrowRight', { shiftKey: true });
    expect(detailShare()).toBe(DETAIL_DEFAULT + 2 - 10);
    expect(divider().getAttribute('aria-valuenow')).toBe(String(100 - (DETAIL_DEFAULT - 8)));
    expect(localStorage.getItem(SPLIT_KEY)).toBe(String(DETAIL_DEFAULT - 8));

    await press('Home');
    expect(detailShare()).toBe(DETAIL_MAX);
    await press('End');
    expect(detailShare()).toBe(DETAIL_MIN);
    await press('ArrowRight'); // already at the bound
    expect(detailShare()).toBe(DETAIL_MIN);

    // Opened again (another row, another visit): where the user left it.
    dom.unmount();
    dom = createContainer();
    await open();
    expect(detailShare()).toBe(DETAIL_MIN);
  });

  it('keeps Home and End for the divider while it has focus (they do not move the row selection)', async () => {
    const app = await open();
    const selected = app.store.getState().selectedId;
    await press('End');
    expect(app.store.getState().selectedId).toBe(selected);
  });
});
