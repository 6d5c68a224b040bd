import { deferred, TunnelError, type OpenTunnel, type TunnelProvider } from './provider';

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
    let url: URL;
    try {
      url = new URL(this.publicUrl);
    } catch {
      throw new TunnelError('invalid-option', `The manual tunnel's public URL must be an absolute http(s) URL, got "${this.publicUrl}"`, false);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TunnelError('invalid-option', `The manual tunnel's public URL must use http or https, got "${url.protocol}"`, false);
    const notes = url.protocol === 'http:' ? ['Hosted connectors such as Claude.ai need an https URL on port 443'] : [];
    // Nothing of ours to go down: the reachability check tells whether it works.
    return { url: url.origin, down: deferred<string>().promise, notes, checkedOnly: true, close: async () => undefined };
  }
}
