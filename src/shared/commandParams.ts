import { z } from 'zod';
import type { CommandName } from './controlApi';
import type { BehaviorProfilePatch } from './profile';
import { LOCALTUNNEL_SUBDOMAIN } from './tunnel';

// What each command accepts. Both transports hand the control service untrusted input (a web
// page can POST anything to a local port), so every parameter is checked, once, against these
// schemas; the contract's param types (controlApi.ts) are derived from them, so the two can't
// drift. The compiler checks that every command has a schema and no schema lacks a command.

const id = z.string().min(1).max(200);
const source = {
  /** A capture's id: its exchanges instead of the live session's. */
  capture: z.string().max(100).optional(),
};
const headers = z.record(z.string(), z.union([z.string(), z.array(z.string())]));
/**
 * No params. A transport may send `{}` for none (an empty JSON body), so that is accepted too;
 * callers are typed to send nothing.
 */
const none = z.undefined().or(z.object({}).strict().transform(() => undefined)) as unknown as z.ZodType<undefined, undefined>;

const replayEdits = z.object({
  method: z.string().min(1).max(20).optional(),
  /** Path and query, as the client sent them. */
  url: z.string().startsWith('/').max(8000).optional(),
  headers: headers.optional(),
  body: z.string().optional(),
});

const breakpointEdits = z.object({
  method: z.string().min(1).max(20).optional(),
  url: z.string().startsWith('/').max(8000).optional(),
  status: z.number().int().min(100).max(599).optional(),
  headers: z.record(z.string(), z.string()).optional(),
  body: z.string().optional(),
});

/** The tunnel options the CLI takes as --tunnel, --tunnel-host, --subdomain, --public-url, --ngrok-*. */
const tunnelOpen = z.object({
  provider: z.enum(['localtunnel', 'cloudflared', 'ngrok', 'manual']),
  /** localtunnel: your own tunnel server. */
  host: z.string().url().optional(),
  /** localtunnel: the subdomain to ask for. */
  subdomain: z.string().regex(LOCALTUNNEL_SUBDOMAIN, "4 to 63 lowercase letters, digits or inner hyphens (localtunnel's rule)").optional(),
  /** manual: the public https URL that forwards to the front door. */
  publicUrl: z.string().url().optional(),
  /** ngrok: auth token and reserved domain. */
  authtoken: z.string().max(500).optional(),
  domain: z.string().max(253).optional(),
});

const connectionRef = z.object({ ...source, connectionId: id });

const simulateRun = z.object({
  /** A profile id (`claude-ai@2025-10`) or a family (`claude-ai`: its default variant). */
  client: z.string().trim().min(1, 'choose a client profile').max(100),
  /** Absent: the inspector's own MCP endpoint (its legacy SSE URL for a legacy-SSE client). */
  url: z.string().trim().max(2000).optional(),
  /** Headers the user configured for this server (`X-API-Key`): sent unless the client ignores them. */
  headers: z.record(z.string().min(1).max(200), z.string().max(8000)).optional(),
  /** A tool the client calls once connected (multi-round-trip requests play out there). */
  callTool: z.object({ name: z.string().trim().min(1, 'name the tool to call').max(200), arguments: z.record(z.string(), z.unknown()).optional() }).optional(),
  /** A real client's run (live or in a capture) to align the simulated run with (`comparison` in the result). */
  compareWith: connectionRef.optional(),
});

export const COMMAND_PARAMS = {
  'status': none,
  'settings.get': none,
  'upstream.set': z.object({ upstream: z.string().max(2000).nullable(), interceptAs: z.boolean().optional() }),
  'port.set': z.object({ port: z.number().int().min(0).max(65535) }),
  'presets.list': none,
  'preset.apply': z.object({ presetId: id }),
  // Checked field by field by the inspector (InvalidProfileError names the field).
  'profile.set': z.object({ patch: z.custom<BehaviorProfilePatch>() }),
  'toggles.list': none,
  'toggles.set': z.object({ toggleId: id, optionId: id }),
  // Rules are checked by parseRules, whose messages say where a problem is.
  'rules.check': z.object({ rules: z.unknown() }),
  'rules.set': z.object({ rules: z.unknown() }),
  'exchanges.list': z.object(source).default({}),
  'exchanges.get': z.object({ ...source, id }),
  'exchanges.search': z.object({ ...source, text: z.string().min(1).max(1000) }),
  'exchanges.clear': none,
  'exchanges.replay': z.object({ ...source, id, edits: replayEdits.optional() }),
  'breakpoints.resume': z.object({ id, edits: breakpointEdits.optional() }),
  'captures.list': none,
  'captures.rename': z.object({ id, name: z.string().trim().min(1).max(200) }),
  'captures.delete': z.object({ id }),
  'captures.exportHar': z.object({ id: id.optional(), redact: z.boolean().optional() }).default({}),
  'captures.importHar': z.object({ har: z.string().min(2), name: z.string().trim().min(1).max(200) }),
  'tunnel.open': tunnelOpen,
  'tunnel.close': none,
  'tunnel.status': none,
  'tunnel.recheck': none,
  'tunnel.retry': none,
  'tunnel.expectRequest': none,
  'lint.rules': none,
  'lint.findings': z.object({ ...source, exchangeId: id.optional(), connectionId: id.optional() }).default({}),
  'connections.list': z.object(source).default({}),
  'boundaries.mark': z.object({ label: z.string().trim().max(200).optional() }).default({}),
  'boundaries.list': z.object(source).default({}),
  'simulate.profiles': none,
  'simulate.run': simulateRun,
  'scenarios.list': none,
  'scenarios.run': z.object({ id, fixed: z.boolean().optional() }),
  'compare.connections': z.object({ left: connectionRef, right: connectionRef }),
} satisfies Record<CommandName, z.ZodType>;

/** What a caller sends for command K (the contract's params). */
export type CommandInput<K extends CommandName> = z.input<(typeof COMMAND_PARAMS)[K]>;
/** What its handler gets once checked: defaults filled in, text trimmed. */
export type CheckedParams<K extends CommandName> = z.output<(typeof COMMAND_PARAMS)[K]>;

export type TunnelOpenParams = z.input<typeof tunnelOpen>;
export type SimulateRunParams = z.input<typeof simulateRun>;
export type ReplayEdits = z.input<typeof replayEdits>;
