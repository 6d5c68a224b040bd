import { deferred, TunnelError, type OpenTunnel, type TunnelProvider } from './provider';
import { checkHttpUrl } from '../wire/url';

// The developer's own public URL: a reverse proxy, Tailscale Funnel, a VS Code dev tunnel…
// already forwarding to our port. We can't open or watch it, only check it from outside.

export class ManualProvider implements TunnelProvider {
  readonly id = 'manual';

  constructor(private readonly publicUrl: string | undefined) {}

  describe(): string {
    return `your own public URL ${this.publicUrl ?? '(none given)'}`;
  }

  async open(): Promise<OpenTunnel> {
    if (!this.publicUrl) throw new TunnelError('invalid-option', 'A manual tunnel needs its public URL (--public-url https://…)', false);
    const check = checkHttpUrl(this.publicUrl);
    if (!('url' in check)) {
      const problem = check.problem === 'scheme' ? `must use http or https, got "${check.scheme}"` : `must be an absolute http(s) URL, got "${this.publicUrl}"`;
      throw new TunnelError('invalid-option', `The manual tunnel's public URL ${problem}`, false);
    }
    const { url } = check;
    const notes = url.protocol === 'http:' ? ['Hosted connectors such as Claude.ai need an https URL on port 443'] : [];
    // Nothing of ours to go down: the reachability check tells whether it works.
    return { url: url.origin, down: deferred<string>().promise, notes, checkedOnly: true, close: async () => undefined };
  }
}
