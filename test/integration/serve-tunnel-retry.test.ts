import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { followTunnel } from '../../src/main/tunnelCommands';
import { startInspector } from '../helpers/inspector';
import { FakeLocaltunnelServer } from '../helpers/localtunnelServer';
import { tunnelState } from '../helpers/tunnel';

// `serve`'s tunnel lines and its `r` + Enter, against the real localtunnel client and the
// loopback tunnel server (a terminal can't be had in a test; SIGUSR2 is tested on the real
// process in cli.test.ts).

describe('serve: the tunnel on the terminal', () => {
  const cleanups: Array<() => Promise<unknown> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('prints each line once with one paste hint per up; "r" retries at once, any other line is left to the boundary labels', async () => {
    const server = await new FakeLocaltunnelServer().listen();
    cleanups.push(() => server.close());
    // A minute between attempts: only "r" brings it back within the test.
    const running = await startInspector({ tunnel: { provider: 'localtunnel', host: server.origin, checks: false, backoff: { initialMs: 60_000, maxMs: 60_000 } } });
    cleanups.push(() => running.close());
    const out = new PassThrough();
    let printed = '';
    out.on('data', (chunk: Buffer) => (printed += chunk.toString()));
    const follower = followTunnel(running.inspector, { interactive: true, out });
    cleanups.push(() => follower.dispose());
    const up = await tunnelState(running.inspector, 'up');

    await server.restart();
    await tunnelState(running.inspector, 'reconnecting', (s) => s.nextAttemptAt !== undefined);
    expect(printed).toMatch(/\[tunnel\] To retry at once: type r and Enter(, or send SIGUSR2 \(kill -USR2 \d+\))?\n/);
    expect(follower.handleLine('before the toggle')).toBe(false);
    expect(follower.handleLine('r')).toBe(true);
    const back = await tunnelState(running.inspector, 'up', (s) => s.since > up.since);
    expect(back.publicUrl).toBe(up.publicUrl);
    expect(printed).toContain('[tunnel] Retrying now\n');

    const lines = printed.trim().split('\n');
    expect(lines.filter((l) => l.startsWith('Paste into Claude.ai:'))).toEqual([`Paste into Claude.ai:  ${up.pasteHint}`, `Paste into Claude.ai:  ${up.pasteHint}`]);
    expect(lines.filter((l) => l.startsWith('[tunnel] reconnecting:'))).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith('[tunnel] To retry at once'))).toHaveLength(1);
    // Everything else once: the provider's remarks (plain HTTP, unencrypted leg) aren't repeated per re-open.
    const others = lines.filter((l) => !l.startsWith('[tunnel] up:') && !l.startsWith('Paste into'));
    expect(others).toEqual([...new Set(others)]);
    expect(others.filter((l) => l.includes('unencrypted'))).toHaveLength(1);
  });
});
