// The public tunnel: providers behind one interface, and the supervisor that runs them.
export { TunnelSupervisor, TUNNEL_TIMING_DEFAULTS, type TunnelOptions, type SupervisorTuning, type RetryOutcome } from './supervisor';
export { createProvider, providersWithoutInterstitial, type ProviderOptions } from './providers';
export { TunnelError, type TunnelProvider, type OpenTunnel } from './provider';
export { SelfChecks, CHECK_HEADER, SSE_SELF_TEST_PATH, type ClaimedCheck } from './selfCheck';
export { LOCALTUNNEL_SUBDOMAIN, PUBLIC_LOCALTUNNEL_HOST } from './localtunnel';
