import { useCallback, useRef, useState, type ReactNode } from 'react';
import './Split.css';

// The timeline and the detail pane side by side, with a divider the user drags (or moves with
// the arrow keys when it has focus). The detail pane's share of the width is remembered in
// localStorage, so the split is where the user left it on the next visit.

export const SPLIT_KEY = 'mcp-inspector.detail-width';
/** The detail pane's share of the split, in percent: default and bounds. */
export const DETAIL_DEFAULT = 38;
export const DETAIL_MIN = 20;
export const DETAIL_MAX = 75;
/** One arrow key press moves the divider this many percent (Shift: a big step). */
const STEP = 2;
const BIG_STEP = 10;

const clamp = (value: number) => Math.min(DETAIL_MAX, Math.max(DETAIL_MIN, Math.round(value * 10) / 10));

function remembered(): number {
  try {
    const value = Number(localStorage.getItem(SPLIT_KEY));
    return value ? clamp(value) : DETAIL_DEFAULT;
  } catch {
    return DETAIL_DEFAULT;
  }
}

function remember(value: number): void {
  try {
    localStorage.setItem(SPLIT_KEY, String(value));
  } catch {
    // storage refused (private mode): the split still works for this page
  }
}

/** The detail pane on the right of a split, behind a draggable, keyboard-accessible divider. */
export function ResizableDetail({ children }: { children: ReactNode }) {
  const [width, setWidth] = useState(remembered);
  const dragging = useRef<{ left: number; right: number } | undefined>(undefined);

  const set = useCallback((next: number, save = true) => {
    const value = clamp(next);
    setWidth(value);
    if (save) remember(value);
  }, []);

  const onKeyDown = (event: React.KeyboardEvent) => {
    const step = event.shiftKey ? BIG_STEP : STEP;
    let next: number | undefined;
    // The divider moves the way the arrow points: left makes the detail pane wider.
    if (event.key === 'ArrowLeft') next = width + step;
    else if (event.key === 'ArrowRight') next = width - step;
    else if (event.key === 'Home') next = DETAIL_MAX;
    else if (event.key === 'End') next = DETAIL_MIN;
    else if (event.key === 'Enter') next = DETAIL_DEFAULT;
    if (next === undefined) return;
    event.preventDefault();
    event.stopPropagation(); // Home/End also move through the timeline rows: not while the divider has focus
    set(next);
  };

  const onPointerDown = (event: React.PointerEvent<HTMLDivElement>) => {
    const split = event.currentTarget.parentElement?.getBoundingClientRect();
    if (!split || event.button !== 0) return;
    event.preventDefault();
    event.currentTarget.setPointerCapture?.(event.pointerId);
    dragging.current = { left: split.left, right: split.right };
  };
  const onPointerMove = (event: React.PointerEvent<HTMLDivElement>) => {
    const box = dragging.current;
    if (!box || box.right <= box.left) return;
    set(((box.right - event.clientX) / (box.right - box.left)) * 100, false);
  };
  const onPointerUp = (event: React.PointerEvent<HTMLDivElement>) => {
    if (!dragging.current) return;
    dragging.current = undefined;
    event.currentTarget.releasePointerCapture?.(event.pointerId);
    remember(width);
  };

  const timelineShare = Math.round(100 - width);
  return (
    <>
      <div
        className="split-divider"
        role="separator"
        aria-orientation="vertical"
        aria-label="Resize the timeline and the detail pane"
        aria-valuenow={timelineShare}
        aria-valuemin={100 - DETAIL_MAX}
        aria-valuemax={100 - DETAIL_MIN}
        aria-valuetext={`timeline ${timelineShare}%, detail ${Math.round(width)}%`}
        tabIndex={0}
        title="Drag, or focus and use ← → (Shift for big steps, Enter resets)"
        data-testid="split-divider"
        onKeyDown={onKeyDown}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={onPointerUp}
        onDoubleClick={() => set(DETAIL_DEFAULT)}
      />
      <div className="detail-slot" style={{ flexBasis: `${width}%` }} data-testid="detail-slot">
        {children}
      </div>
    </>
  );
}
