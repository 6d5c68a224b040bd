import type { CheckedParams } from '../../../shared/commandParams';
import type { CommandName, CommandResult, InspectorStatus } from '../../../shared/controlApi';
import type { Exchange } from '../../../shared/exchange';
import type { Rule } from '../../../shared/rules';
import { toggleUnavailable } from '../../../shared/toggles';
import { CaptureTap } from '../compare/captureTap';
import { compareConnections } from '../compare/compare';
import type { Inspector } from '../inspector';
import { summarize as summarizeLint } from '../lint/engine';
import { LINT_RULE_DEFINITIONS } from '../lint/rules';
import { InvalidRulesError, parseRules } from '../proxy/rules';
import { TOGGLES } from '../proxy/toggles';
import { fromHar, toHar } from '../recorder/har';
import { runScenario } from '../scenarioRunner';
import { PRESETS } from '../server/presets';
import { checkUrl, PROFILES, profileById } from '../simulator';
import { scenarioById, SCENARIOS } from '../simulator/scenarios';
import type { SupervisorTuning } from '../tunnel';
import { CommandError } from './errors';
import type { ControlEvents } from './events';
import { tunnelToSave, type SettingsStore } from './settings';
import { MAX_LINTED_CAPTURE, type Sources } from './sources';
import { exchangeContains } from './summary';
import { probeUpstream } from './upstreamHealth';

// The control API's commands, one handler each, grouped as the UI's screens use them. Params
// arrive checked (src/shared/commandParams.ts); what the inspector changes reaches subscribers
// through its event stream, so a handler only answers.

export type Handlers = { [K in CommandName]: (params: CheckedParams<K>) => Promise<CommandResult<K>> };

export interface HandlerContext {
  inspector: Inspector;
  events: ControlEvents;
  sources: Sources;
  /** The status as `status` answers it. */
  status(): Promise<InspectorStatus>;
  /** What the service keeps between commands: the preset the profile was last set from. */
  state: { presetId?: string };
  settings?: SettingsStore;
  startError?: string;
  version?: string;
  tunnelTuning?: SupervisorTuning;
}

/** Search results are ids for a filter: beyond this many the filter is not useful anyway. */
const MAX_SEARCH_RESULTS = 20_000;

export function commandHandlers(ctx: HandlerContext): Handlers {
  return {
    ...statusHandlers(ctx),
    ...behaviorHandlers(ctx),
    ...exchangeHandlers(ctx),
    ...captureHandlers(ctx),
    ...tunnelHandlers(ctx),
    ...lintHandlers(ctx),
    ...simulateHandlers(ctx),
  };
}

/** Status, settings, upstream and port. */
function statusHandlers(ctx: HandlerContext) {
  const { inspector, events } = ctx;
  return {
    'status': () => ctx.status(),
    'settings.get': async () => ctx.settings?.get() ?? {},
    'upstream.set': async ({ upstream, interceptAs }) => {
      requireRunning(ctx);
      // --intercept-as is remembered per upstream: switching back to one brings its choice back.
      const remembered = ctx.settings?.get().interceptAs ?? [];
      try {
        await inspector.setUpstream(upstream ?? undefined, { interceptAs: interceptAs ?? (!!upstream && URL.canParse(upstream) && remembered.includes(new URL(upstream).toString())) });
      } catch (err) {
        throw new CommandError(`Cannot switch the upstream to ${upstream}: ${(err as Error).message}`, err instanceof TypeError ? 'invalid-params' : 'failed');
      }
      const info = inspector.info!;
      const others = remembered.filter((url) => url !== info.upstream);
      saveSettings(ctx, { upstream: info.upstreamIsBuiltIn ? undefined : info.upstream, interceptAs: info.interceptAs ? [...others, info.upstream] : others.length ? others : undefined });
      if (!info.upstreamIsBuiltIn) events.setHealth(await probeUpstream(info.upstream));
      return ctx.status();
    },
    'port.set': async ({ port }) => {
      saveSettings(ctx, { port });
      return ctx.settings?.get() ?? { port };
    },
  } satisfies Partial<Handlers>;
}

/** Presets, profile fields, toggles and rules: what the wire does. */
function behaviorHandlers(ctx: HandlerContext) {
  const { inspector } = ctx;
  return {
    'presets.list': async () => [...PRESETS],
    'preset.apply': async ({ presetId }) => {
      inspector.applyPreset(presetId);
      ctx.state.presetId = presetId;
      saveSettings(ctx, { presetId });
      return ctx.status();
    },
    'profile.set': async ({ patch }) => {
      inspector.updateProfile(patch);
      ctx.state.presetId = undefined;
      return ctx.status();
    },
    'toggles.list': async () => {
      // Each option says when it cannot act in front of the current upstream (or on its intercepted AS).
      const where = { builtIn: inspector.info?.upstreamIsBuiltIn ?? true, interceptAs: inspector.info?.interceptAs };
      return TOGGLES.map((toggle) => ({
        ...toggle,
        options: toggle.options.map((option) => {
          const unavailable = toggleUnavailable(option, where);
          return unavailable ? { ...option, unavailable } : option;
        }),
      }));
    },
    'toggles.set': async ({ toggleId, optionId }) => {
      inspector.setToggle(toggleId, optionId);
      saveSettings(ctx, { toggles: inspector.toggles });
      return ctx.status();
    },
    'rules.check': async ({ rules }) => {
      try {
        parseRules(rules);
        return { ok: true, problems: [] };
      } catch (err) {
        if (!(err instanceof InvalidRulesError)) throw err;
        return { ok: false, problems: rulesProblems(err) };
      }
    },
    'rules.set': async ({ rules }) => {
      let parsed: Rule[];
      try {
        parsed = parseRules(rules);
      } catch (err) {
        if (err instanceof InvalidRulesError) throw new CommandError(err.message, 'invalid-params');
        throw err;
      }
      inspector.setRules(parsed);
      saveSettings(ctx, { rules: parsed });
      return ctx.status();
    },
  } satisfies Partial<Handlers>;
}

/** The timeline: rows, one exchange, search, clear, replay, breakpoints, boundaries. */
function exchangeHandlers(ctx: HandlerContext) {
  const { inspector, sources } = ctx;
  return {
    'exchanges.list': async (source) => {
      const view = await sources.view(source);
      return view.list.map((e) => view.row(e));
    },
    'exchanges.get': async ({ id, ...source }) => (await sources.exchange(id, source)) ?? null,
    'exchanges.search': async ({ text, ...source }) => {
      const needle = text.toLowerCase();
      const ids: string[] = [];
      for (const exchange of (await sources.view(source)).list) {
        if (exchangeContains(exchange, needle)) ids.push(exchange.id);
        if (ids.length >= MAX_SEARCH_RESULTS) break;
      }
      return ids;
    },
    'exchanges.clear': async () => {
      inspector.clearExchanges();
      return ctx.status();
    },
    'exchanges.replay': async ({ id, edits, ...source }) => {
      const exchange = await sources.exchange(id, source);
      if (!exchange) throw new CommandError(`No exchange ${id} ${source.capture ? `in capture ${source.capture}` : 'in this session'}`, 'not-found');
      return inspector.replay(exchange, edits);
    },
    'breakpoints.resume': async ({ id, edits }) => ({ resumed: inspector.resume(id, edits) }),
    'boundaries.mark': async ({ label }) => inspector.markBoundary(label),
    'boundaries.list': async (source) => (await sources.view(source)).boundaries,
  } satisfies Partial<Handlers>;
}

/** Captures on disk: list, rename, delete, HAR export and import. */
function captureHandlers(ctx: HandlerContext) {
  const { inspector, events, sources } = ctx;
  return {
    'captures.list': () => sources.captureList(),
    'captures.rename': async ({ id, name }) => {
      await inspector.renameCapture(id, name);
      if (id === inspector.info?.captureId) {
        sources.renamedLive(name);
        void events.pushStatus();
      }
      events.emit({ type: 'captures-changed' });
      return sources.captureList();
    },
    'captures.delete': async ({ id }) => {
      await inspector.deleteCapture(id);
      sources.forget(id);
      events.emit({ type: 'captures-changed' });
      return sources.captureList();
    },
    'captures.exportHar': async ({ id, redact }) => {
      const captureId = id ?? inspector.info?.captureId;
      const exchanges = captureId ? (await sources.view({ capture: captureId })).list : inspector.exchanges();
      if (captureId === inspector.info?.captureId) sources.forget(captureId); // it grows: read afresh next time
      const har = toHar(exchanges, { redact: redact !== false, creatorVersion: ctx.version ?? '0.1.0' });
      const name = captureId ? ((await inspector.listCaptures()).find((c) => c.id === captureId)?.name ?? captureId) : 'live-session';
      return { fileName: `${fileNameOf(name)}${redact === false ? '-raw' : ''}.har`, har: `${JSON.stringify(har, null, 2)}\n`, exchanges: exchanges.length };
    },
    'captures.importHar': async ({ har, name }) => {
      let exchanges: Exchange[];
      try {
        exchanges = fromHar(JSON.parse(har));
      } catch (err) {
        throw new CommandError(`Cannot import ${name}: ${(err as Error).message}`, 'invalid-params');
      }
      const id = inspector.importCapture(name, exchanges);
      const imported = (await sources.captureList()).find((c) => c.id === id);
      if (!imported) throw new CommandError(`The imported capture ${id} could not be read back`);
      events.emit({ type: 'captures-changed', imported });
      return imported;
    },
  } satisfies Partial<Handlers>;
}

/** The public tunnel: its progress reaches the UI as status events from the inspector's stream. */
function tunnelHandlers(ctx: HandlerContext) {
  const { inspector } = ctx;
  return {
    'tunnel.open': async (options) => {
      if (options.provider === 'manual' && !options.publicUrl) throw new CommandError('A manual tunnel needs the public https URL that forwards to this port', 'invalid-params');
      await inspector.openTunnel({ ...ctx.tunnelTuning, ...options });
      saveSettings(ctx, { tunnel: tunnelToSave(options, true) });
      return ctx.status();
    },
    'tunnel.close': async () => {
      await inspector.closeTunnel();
      const saved = ctx.settings?.get().tunnel;
      if (saved?.open) saveSettings(ctx, { tunnel: { ...saved, open: false } });
      return ctx.status();
    },
    'tunnel.status': async () => inspector.tunnelStatus,
    'tunnel.recheck': async () => {
      const { state } = inspector.tunnelStatus;
      if (state !== 'up') throw new CommandError(`The tunnel is ${state}: the public URL can be checked once it is up`);
      await inspector.recheckTunnel();
      return inspector.tunnelStatus;
    },
    'tunnel.retry': async () => {
      const { state, provider } = inspector.tunnelStatus;
      if (state === 'off' && provider === 'none') throw new CommandError('No tunnel was opened in this run: choose a provider and start one');
      await inspector.retryTunnel();
      return ctx.status();
    },
    'tunnel.expectRequest': async () => {
      const { state } = inspector.tunnelStatus;
      if (state !== 'up') throw new CommandError(`The tunnel is ${state}: requests can only be watched for while it is up`);
      inspector.expectTunnelRequest();
      return inspector.tunnelStatus;
    },
  } satisfies Partial<Handlers>;
}

/** Lint findings, connections and their comparison. */
function lintHandlers(ctx: HandlerContext) {
  const { sources } = ctx;
  return {
    'lint.rules': async () => LINT_RULE_DEFINITIONS.map(({ check: _check, looksAhead: _looksAhead, explain: _explain, ...rule }) => rule),
    'lint.findings': async ({ exchangeId, connectionId, ...source }) => {
      const view = await sources.view(source);
      if (!view.linted) throw new CommandError(`Capture ${source.capture} has more than ${MAX_LINTED_CAPTURE} exchanges and was not linted when opened; judge it with \`npm run cli -- lint ${source.capture}\``);
      if (exchangeId) {
        const holding = await sources.viewHolding(exchangeId, source);
        if (!holding) throw new CommandError(`No exchange ${exchangeId} ${source.capture ? `in capture ${source.capture}` : 'in this session'}`, 'not-found');
        return { findings: holding.findingsFor(exchangeId) };
      }
      const members = connectionId ? sources.connectionMembers(view, connectionId) : view.list;
      const findings = members.flatMap((e) => view.findingsFor(e.id));
      return connectionId ? { findings, summary: summarizeLint(view.resolveConnection(connectionId), members.length, findings) } : { findings };
    },
    'connections.list': async (source) => sources.connectionList(await sources.view(source)),
    'compare.connections': async ({ left, right }) => compareConnections(await sources.connectionInput(left), await sources.connectionInput(right)),
  } satisfies Partial<Handlers>;
}

/** Client profiles and bug-report scenarios. */
function simulateHandlers(ctx: HandlerContext) {
  const { inspector, events } = ctx;
  return {
    'simulate.profiles': async () =>
      PROFILES.map(({ id, family, isDefault, client, variant, observed, sources, notes, transport, driver }) => ({ id, family, isDefault, client, variant, observed, sources, notes, transport, driver })),
    'simulate.run': async ({ client, url, headers, callTool, compareWith }) => {
      requireRunning(ctx);
      const profile = profileById(client);
      if (url) {
        try {
          checkUrl(url);
        } catch {
          // (checkUrl words its message for the CLI's --url)
          throw new CommandError(`The target URL must be an absolute http or https URL such as https://example.com/mcp, got "${url}"`, 'invalid-params');
        }
      }
      // Without a URL the inspector picks its own MCP endpoint as clients know it (the public
      // URL when one is set, so the metadata's `resource` matches what the client used).
      // The real run is read first: a wrong reference fails before the client runs.
      const captured = compareWith ? await ctx.sources.connectionInput(compareWith) : undefined;
      const tap = captured ? new CaptureTap() : undefined;
      const result = await inspector.simulate(profile, { ...(url ? { url } : {}), headers, ...(callTool ? { callTool } : {}), ...(tap ? { fetch: tap.fetch() } : {}) });
      if (!tap || !captured) return result;
      return { ...result, comparison: compareConnections({ source: `simulated ${result.profileId}`, exchanges: tap.exchanges() }, captured, { userAgent: 'product' }) };
    },
    'scenarios.list': async () => [...SCENARIOS],
    'scenarios.run': async ({ id, fixed }) => {
      const scenario = scenarioById(id);
      const run = await runScenario(scenario, { fixed, captureDir: inspector.captureDir });
      if (run.result.captureId) events.emit({ type: 'captures-changed' });
      return run.result;
    },
  } satisfies Partial<Handlers>;
}

function requireRunning(ctx: HandlerContext): void {
  if (!ctx.inspector.info) throw new CommandError(`The inspector is not running${ctx.startError ? `: ${ctx.startError}` : ''}`);
}

function saveSettings(ctx: HandlerContext, patch: Parameters<SettingsStore['update']>[0]): void {
  try {
    ctx.settings?.update(patch);
  } catch (err) {
    // Not saving is worth a warning, not a failed command: the change itself applied.
    process.emitWarning(`Settings could not be saved: ${(err as Error).message}`);
  }
}

/** `Invalid rules: a; b` → ['a', 'b'], for the editor to show one per line. */
function rulesProblems(err: InvalidRulesError): string[] {
  return err.message.replace(/^Invalid rules: /, '').split('; ');
}

function fileNameOf(name: string): string {
  return name.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80) || 'capture';
}
