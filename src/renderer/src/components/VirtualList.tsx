import { useEffect, useLayoutEffect, useRef, useState, type ReactNode } from 'react';

// Renders only the rows in view (plus a few above and below): 100k exchanges cost as much as
// the ~40 on screen. Rows have one fixed height, which keeps the arithmetic exact.

export interface VirtualListProps {
  count: number;
  rowHeight: number;
  renderRow(index: number): ReactNode;
  /** Keeps this row in view when it changes (keyboard navigation). */
  scrollToIndex?: number;
  /** Follows new rows at the bottom while the user is at the bottom. */
  follow?: boolean;
  overscan?: number;
  className?: string;
  label?: string;
  /** `grid` on its own; `rowgroup` inside a grid that also holds a header row. */
  role?: 'grid' | 'rowgroup';
}

export function VirtualList({ count, rowHeight, renderRow, scrollToIndex, follow = true, overscan = 8, className, label, role = 'grid' }: VirtualListProps) {
  const ref = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(600);
  const atBottom = useRef(true);

  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    const measure = () => setHeight(element.clientHeight || 600);
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  // New rows at the bottom: stay with them if the user was already there.
  useLayoutEffect(() => {
    const element = ref.current;
    if (element && follow && atBottom.current) element.scrollTop = count * rowHeight;
  }, [count, follow, rowHeight]);

  useEffect(() => {
    const element = ref.current;
    if (!element || scrollToIndex === undefined || scrollToIndex < 0) return;
    const top = scrollToIndex * rowHeight;
    if (top < element.scrollTop) element.scrollTop = top;
    else if (top + rowHeight > element.scrollTop + element.clientHeight) element.scrollTop = top + rowHeight - element.clientHeight;
  }, [scrollToIndex, rowHeight]);

  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(count, Math.ceil((scrollTop + height) / rowHeight) + overscan);
  const rows: ReactNode[] = [];
  for (let i = first; i < last; i++) rows.push(renderRow(i));

  return (
    <div
      ref={ref}
      className={`virtual-list ${className ?? ''}`}
      role={role}
      aria-label={label}
      aria-rowcount={role === 'grid' ? count : undefined}
      onScroll={(event) => {
        const element = event.currentTarget;
        setScrollTop(element.scrollTop);
        atBottom.current = element.scrollTop + element.clientHeight >= element.scrollHeight - rowHeight;
      }}
    >
      <div style={{ height: count * rowHeight, position: 'relative' }}>
        <div style={{ position: 'absolute', top: first * rowHeight, left: 0, right: 0 }}>{rows}</div>
      </div>
    </div>
  );
}
