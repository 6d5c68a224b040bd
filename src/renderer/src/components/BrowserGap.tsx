import type { BrowserGap } from '../../../shared/browserGap';
import { describeBrowserGap } from '../../../shared/browserGap';
import { duration } from '../lib/format';
import { useApp } from '../state/store';
import './BrowserGap.css';

// The browser's gap (issue 17 item 3): the user at another origin's authorization server, whose
// pages nobody proxies. A line under the authorize row it left from, in the timeline and in the
// sequence diagram; clicking it opens the callback that brought the browser back (or the authorize).

/** The timeline's columns: the gap line is one cell across all of them. */
const COLUMNS = 8;

const TITLE =
  "The browser's legs at the authorization server (its login and consent pages) are not proxied: they are on its own origin, over TLS nobody intercepts. The authorize request was answered with a redirect there; the callback carrying the same state brings the browser back.";

/** "the user was at tenant.auth0.com from 12:00:03 to 12:00:19 (16 s)" */
export function browserGapText(gap: BrowserGap): string {
  const text = describeBrowserGap(gap);
  return gap.to === undefined ? text : `${text} (${duration(gap.to - gap.from)})`;
}

export function GapRow({ gap, height, rowIndex }: { gap: BrowserGap; height: number; rowIndex?: number }) {
  const select = useApp((s) => s.select);
  return (
    <div
      className={`row gap-row${gap.to === undefined ? ' gap-open' : ''}`}
      role="row"
      aria-rowindex={rowIndex}
      data-testid="gap-row"
      data-authorize={gap.authorizeId}
      data-callback={gap.callbackId ?? ''}
      style={{ height }}
      title={TITLE}
      onClick={() => select(gap.callbackId ?? gap.authorizeId)}
    >
      <div className="gap-cell" role="gridcell" aria-colspan={COLUMNS}>
        <span className="gap-mark" aria-hidden>
          ⇢
        </span>
        <span className="gap-text">{browserGapText(gap)}</span>
      </div>
    </div>
  );
}

/** The same line in the sequence diagram, under the authorize arrow. */
export function GapMark({ gap, onOpen }: { gap: BrowserGap; onOpen: (id: string) => void }) {
  return (
    <div className={`seq-browser-gap${gap.to === undefined ? ' gap-open' : ''}`} data-testid="seq-gap" title={TITLE} onClick={() => onOpen(gap.callbackId ?? gap.authorizeId)}>
      <span className="gap-mark" aria-hidden>
        ⇢
      </span>{' '}
      {browserGapText(gap)}
    </div>
  );
}
