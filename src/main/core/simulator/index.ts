import type { ClientProfile, SimulationResult } from '../../../shared/simulator';
import { runReplay, type SimulateOptions } from './engine';
import { profileById } from './profiles';
import { runSdk } from './sdkDriver';

// The simulator's front: run any client profile against any URL.

export { checkUrl, SimulationInputError, type SimulateOptions } from './engine';
export { PROFILES, profileById, UnknownClientError } from './profiles';
export type { AuthorizationPrompt, OAuthHooks } from './oauth';
export { formatResult } from './report';

/** Runs a profile (or a profile id / family name) against `options.url`. */
export async function simulate(client: ClientProfile | string, options: SimulateOptions): Promise<SimulationResult> {
  const profile = typeof client === 'string' ? profileById(client) : client;
  return profile.driver === 'replay' ? runReplay(profile, options) : runSdk(profile, options);
}
