import type { CommandFailure } from '../../../shared/controlApi';
import { InvalidRulesError } from '../proxy/rules';
import { UnknownToggleError } from '../proxy/toggles';
import { CaptureNotFoundError, InvalidCaptureIdError } from '../recorder/captureStore';
import { InvalidProfileError } from '../server/profile';
import { UnknownPresetError } from '../server/presets';
import { SimulationInputError, UnknownClientError } from '../simulator';
import { UnknownScenarioError } from '../simulator/scenarios';

/** A failure whose message is meant for the user, with a code the transports map to statuses. */
export class CommandError extends Error {
  constructor(
    message: string,
    readonly code: CommandFailure['code'] = 'failed',
  ) {
    super(message);
  }
}

/** Any error as it crosses a transport: the user's own mistakes are `invalid-params`, unknown ids `not-found`. */
export function toFailure(err: unknown): CommandFailure {
  if (err instanceof CommandError) return { message: err.message, code: err.code };
  if (err instanceof CaptureNotFoundError) return { message: err.message, code: 'not-found' };
  if (
    err instanceof InvalidCaptureIdError ||
    err instanceof InvalidProfileError ||
    err instanceof UnknownToggleError ||
    err instanceof UnknownPresetError ||
    err instanceof InvalidRulesError ||
    err instanceof UnknownClientError ||
    err instanceof SimulationInputError ||
    err instanceof UnknownScenarioError
  ) {
    return { message: err.message, code: 'invalid-params' };
  }
  return { message: (err as Error)?.message ?? String(err), code: 'failed' };
}
