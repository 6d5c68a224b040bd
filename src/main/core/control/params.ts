import { z } from 'zod';
import type { CommandName } from '../../../shared/controlApi';
import { LOCALTUNNEL_SUBDOMAIN } from '../tunnel';

// What each command accepts. Both transports hand the service untrusted input (a web page
// can POST anything to a local port), so every parameter is checked here, once.

const id = z.string().min(1).max(200);
const source = { capture: z.string().max(100).optional() };
const headers = z.record(z.string(), z.union([z.string(), z.array(z.string())]));
const none = z.undefined().or(z.object({}).strict().transform(() => undefined));

export const COMMAND_PARAMS = {
  'status': none,
  'settings.get': none,
  'upstream.set': z.object({ upstream: z.string().max(2000).nullable() }),
  'port.set': z.object({ port: z.number().int().min(0).max(65535) }),
  'presets.list': none,
  'preset.apply': z.object({ presetId: id }),
  'profile.set': z.object({ patch: z.unknown() }), // checked field by field by applyProfilePatch
  'toggles.list': none,
  'toggles.set': z.object({ toggleId: id, optionId: id }),
  'rules.check': z.object({ rules: z.unknown() }),
  'rules.set': z.object({ rules: z.unknown() }),
  'exchanges.list': z.object(source).default({}),
  'exchanges.get': z.object({ ...source, id }),
  'exchanges.search': z.object({ ...source, text: z.string().min(1).max(1000) }),
  'exchanges.clear': none,
  'exchanges.replay': z.object({
    ...source,
    id,
    edits: z.object({ method: z.string().min(1).max(20).optional(), url: z.string().startsWith('/').max(8000).optional(), headers: headers.optional(), body: z.string().optional() }).optional(),
  }),
  'breakpoints.resume': z.object({
    id,
    edits: z
      .object({
        method: z.string().min(1).max(20).optional(),
        url: z.string().startsWith('/').max(8000).optional(),
        status: z.number().int().min(100).max(599).optional(),
        headers: z.record(z.string(), z.string()).optional(),
        body: z.string().optional(),
      })
      .optional(),
  }),
  'captures.list': none,
  'captures.rename': z.object({ id, name: z.string().trim().min(1).max(200) }),
  'captures.delete': z.object({ id }),
  'captures.exportHar': z.object({ id: id.optional(), redact: z.boolean().optional() }).default({}),
  'captures.importHar': z.object({ har: z.string().min(2), name: z.string().trim().min(1).max(200) }),
  'tunnel.open': z.object({
    provider: z.enum(['localtunnel', 'cloudflared', 'ngrok', 'manual']),
    host: z.string().url().optional(),
    subdomain: z.string().regex(LOCALTUNNEL_SUBDOMAIN, "4 to 63 lowercase letters, digits or inner hyphens (localtunnel's rule)").optional(),
    publicUrl: z.string().url().optional(),
    authtoken: z.string().max(500).optional(),
    domain: z.string().max(253).optional(),
  }),
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
  'simulate.run': z.object({
    client: z.string().trim().min(1, 'choose a client profile').max(100),
    url: z.string().trim().max(2000).optional(),
    headers: z.record(z.string().min(1).max(200), z.string().max(8000)).optional(),
    callTool: z.object({ name: z.string().trim().min(1, 'name the tool to call').max(200), arguments: z.record(z.string(), z.unknown()).optional() }).optional(),
  }),
  'scenarios.list': none,
  'scenarios.run': z.object({ id, fixed: z.boolean().optional() }),
  'compare.connections': z.object({ left: z.object({ ...source, connectionId: id }), right: z.object({ ...source, connectionId: id }) }),
} satisfies Record<CommandName, z.ZodType>;
