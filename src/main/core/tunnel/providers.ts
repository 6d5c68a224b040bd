import type { TunnelProviderId } from '../../../shared/tunnel';
import { CloudflaredProvider, findOnPath } from './cloudflared';
import { LocaltunnelProvider, type LocaltunnelOptions } from './localtunnel';
import { ManualProvider } from './manual';
import { NgrokProvider } from './ngrok';
import type { TunnelProvider } from './provider';

/** What picks and configures a provider: the CLI flags and the UI's tunnel form. */
export interface ProviderOptions {
  provider: TunnelProviderId;
  /** localtunnel: a self-hosted tunnel server (default https://localtunnel.me). */
  host?: string;
  /** localtunnel: the subdomain to ask for. */
  subdomain?: string;
  /** manual: the public URL that already forwards to our port. */
  publicUrl?: string;
  /** ngrok: defaults to NGROK_AUTHTOKEN. */
  authtoken?: string;
  /** ngrok: a reserved or static domain. */
  domain?: string;
  /** Environment for binaries and tokens (PATH, NGROK_AUTHTOKEN); process.env by default. */
  env?: NodeJS.ProcessEnv;
  /** localtunnel's less common options (local HTTPS, timeouts). */
  localtunnel?: Omit<LocaltunnelOptions, 'host' | 'subdomain'>;
}

export function createProvider(options: ProviderOptions): TunnelProvider | undefined {
  switch (options.provider) {
    case 'localtunnel':
      return new LocaltunnelProvider({ ...options.localtunnel, host: options.host, subdomain: options.subdomain });
    case 'cloudflared':
      return new CloudflaredProvider({ env: options.env });
    case 'ngrok':
      return new NgrokProvider({ authtoken: options.authtoken, domain: options.domain, env: options.env });
    case 'manual':
      return new ManualProvider(options.publicUrl);
    case 'none':
      return undefined;
  }
}

/** Providers that can run here without an interstitial page for browsers, best first. */
export function providersWithoutInterstitial(env: NodeJS.ProcessEnv = process.env): TunnelProviderId[] {
  return findOnPath('cloudflared', env) ? ['cloudflared'] : [];
}
