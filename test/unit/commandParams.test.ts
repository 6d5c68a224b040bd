import { describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import { COMMAND_PARAMS, type CheckedParams, type CommandInput } from '../../src/shared/commandParams';
import { COMMAND_NAMES, type CommandName, type CommandParams, type SimulateRunParams, type TunnelOpenParams } from '../../src/shared/controlApi';

// The contract's param types are derived from the schemas that check them (src/shared/commandParams.ts):
// these hold at compile time (npm run typecheck) and the key sets at run time.

describe('command param schemas', () => {
  it('are one per command, and no more', () => {
    expect(Object.keys(COMMAND_PARAMS).sort()).toEqual([...COMMAND_NAMES].sort());
    expectTypeOf<keyof typeof COMMAND_PARAMS>().toEqualTypeOf<CommandName>();
  });

  it('are what the contract says a caller sends, for every command', () => {
    /** The commands whose contract params differ from their schema's input (none may). */
    type Drift = { [K in CommandName]: [CommandParams<K>] extends [CommandInput<K>] ? ([CommandInput<K>] extends [CommandParams<K>] ? never : K) : K }[CommandName];
    expectTypeOf<Drift>().toEqualTypeOf<never>();
    expectTypeOf<SimulateRunParams>().toEqualTypeOf<z.input<(typeof COMMAND_PARAMS)['simulate.run']>>();
    expectTypeOf<TunnelOpenParams>().toEqualTypeOf<z.input<(typeof COMMAND_PARAMS)['tunnel.open']>>();
    // A command without params is called with nothing.
    expectTypeOf<CommandParams<'status'>>().toEqualTypeOf<undefined>();
    // Its handler gets the checked value: defaults filled in.
    expectTypeOf<CheckedParams<'exchanges.list'>>().toEqualTypeOf<{ capture?: string | undefined }>();
  });

  it('check at run time what the types promise', () => {
    // Transports send `{}` for no params (an empty JSON object): accepted as nothing.
    expect(COMMAND_PARAMS.status.safeParse({})).toMatchObject({ success: true, data: undefined });
    expect(COMMAND_PARAMS.status.safeParse({ extra: 1 }).success).toBe(false);
    expect(COMMAND_PARAMS['exchanges.list'].parse(undefined)).toEqual({});
    // localtunnel's subdomain rule, shared with the CLI's --subdomain.
    expect(COMMAND_PARAMS['tunnel.open'].safeParse({ provider: 'localtunnel', subdomain: 'Not_Valid' }).success).toBe(false);
    expect(COMMAND_PARAMS['tunnel.open'].safeParse({ provider: 'localtunnel', subdomain: 'my-inspector' }).success).toBe(true);
    expect(COMMAND_PARAMS['simulate.run'].parse({ client: '  claude-ai  ' })).toEqual({ client: 'claude-ai' });
  });
});
