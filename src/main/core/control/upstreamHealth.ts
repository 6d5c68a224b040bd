import type { UpstreamStatus } from '../../../shared/controlApi';

/**
 * Asks the upstream whether it is there: any HTTP answer (even 404 or 401) means up; a
 * refused, reset or silent connection means down, with the reason in the user's words.
 */
export async function probeUpstream(url: string, timeoutMs = 3000): Promise<Pick<UpstreamStatus, 'health' | 'reason'>> {
  try {
    const response = await fetch(url, { method: 'HEAD', redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    return { health: 'up' };
  } catch (err) {
    const cause = (err as Error & { cause?: NodeJS.ErrnoException }).cause;
    if ((err as Error).name === 'TimeoutError') return { health: 'down', reason: `${url} did not answer within ${timeoutMs / 1000} s` };
    switch (cause?.code) {
      case 'ECONNREFUSED':
        return { health: 'down', reason: `Nothing is listening at ${url} (connection refused). Is your server running?` };
      case 'ENOTFOUND':
        return { health: 'down', reason: `The host of ${url} does not resolve.` };
      case 'ECONNRESET':
        return { health: 'down', reason: `${url} reset the connection.` };
      default:
        return { health: 'down', reason: `${url} cannot be reached: ${cause?.message ?? (err as Error).message}` };
    }
  }
}
