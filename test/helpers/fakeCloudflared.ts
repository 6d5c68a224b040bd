import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// A stand-in `cloudflared` for tests. The real binary can't run here (not installed, and a
// quick tunnel needs Cloudflare's edge on the internet), so this script only mocks what our
// provider reads: its command line, and its log lines on stderr in cloudflared's own format
// (timestamp, level, the boxed "Your quick Tunnel has been created!" banner with the
// trycloudflare URL, then "Registered tunnel connection"). It never forwards any traffic.

const SCRIPT = `#!/bin/sh
echo "$$ $*" >> "$FAKE_CLOUDFLARED_RUNS"
run=$(wc -l < "$FAKE_CLOUDFLARED_RUNS" | tr -d ' ')
ts=2026-11-23T10:00:0\${run}Z
echo "$ts INF Thank you for trying Cloudflare Tunnel. Doing so, without a Cloudflare account, is a quick way to experiment and try it out. However, be aware that these account-less Tunnels have no uptime guarantee, are subject to the Cloudflare Online Services Terms of Use (https://www.cloudflare.com/website-terms/), and Cloudflare reserves the right to investigate your use of Tunnels for violations of such terms." >&2
echo "$ts INF Requesting new quick Tunnel on trycloudflare.com..." >&2
if [ "$FAKE_CLOUDFLARED_MODE" = "fail" ]; then
  echo "$ts ERR failed to request quick Tunnel: Post \\"https://api.trycloudflare.com/tunnel\\": dial tcp: lookup api.trycloudflare.com: no such host" >&2
  exit 1
fi
echo "$ts INF +--------------------------------------------------------------------------------------------+" >&2
echo "$ts INF |  Your quick Tunnel has been created! Visit it at (it may take some time to be reachable):  |" >&2
echo "$ts INF |  https://fake-words-run-\${run}.trycloudflare.com                                            |" >&2
echo "$ts INF +--------------------------------------------------------------------------------------------+" >&2
echo "$ts INF Cannot determine default configuration path. No file [config.yml config.yaml] in [~/.cloudflared ~/.cloudflare-warp ~/cloudflare-warp /etc/cloudflared /usr/local/etc/cloudflared]" >&2
echo "$ts INF Version 2025.11.1 (Checksum 0000000000000000000000000000000000000000000000000000000000000000)" >&2
echo "$ts INF Starting metrics server on 127.0.0.1:20241/metrics" >&2
echo "$ts INF Registered tunnel connection connIndex=0 connection=00000000-0000-0000-0000-000000000000 event=0 ip=198.41.192.7 location=ams08 protocol=quic" >&2
exec sleep 600
`;

export interface FakeCloudflared {
  /** An environment whose PATH has only the fake (plus what sh and sleep need). */
  env: NodeJS.ProcessEnv;
  /** One entry per start: its pid and arguments. */
  runs(): Promise<Array<{ pid: number; args: string }>>;
  remove(): Promise<void>;
}

export async function installFakeCloudflared(mode: 'ok' | 'fail' = 'ok'): Promise<FakeCloudflared> {
  const dir = await mkdtemp(join(tmpdir(), 'fake-cloudflared-'));
  const runsFile = join(dir, 'runs.log');
  await writeFile(runsFile, '');
  await writeFile(join(dir, 'cloudflared'), SCRIPT);
  await chmod(join(dir, 'cloudflared'), 0o755);
  return {
    env: { PATH: `${dir}:/usr/bin:/bin`, FAKE_CLOUDFLARED_RUNS: runsFile, FAKE_CLOUDFLARED_MODE: mode },
    async runs() {
      const lines = (await readFile(runsFile, 'utf8')).trim().split('\n').filter(Boolean);
      return lines.map((line) => ({ pid: Number(line.split(' ')[0]), args: line.slice(line.indexOf(' ') + 1) }));
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Whether a process is still running. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
