import { createInterface } from 'node:readline';
import type { Boundary } from '../shared/exchange';
import { readFileSync, realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_PORT, Inspector, PortInUseError, type ListeningInfo } from './core/inspector';
import { PRESETS, UnknownPresetError } from './core/server/presets';
import { InvalidProfileError } from './core/server/profile';
import { MCP_ENDPOINT_PATH, WELL_KNOWN } from './core/server/urls';
import type { BehaviorProfile } from '../shared/profile';
import { InvalidRulesError, parseRules } from './core/proxy/rules';
import { TOGGLES, toggleOption } from './core/proxy/toggles';
import { checkUpstreamUrl } from './core/proxy/originRewrite';
import { checkHttpUrl } from './core/wire/url';
import type { Rule } from '../shared/rules';
import { toggleUnavailable, type ToggleOption } from '../shared/toggles';
import { capturesCommand, CommandError, exportCommand, formatExchange, importCommand, replayCommand } from './captureCommands';
import { capturesDir, defaultDataDir } from './core/dataDir';
import { ControlService } from './core/control/service';
import { ControlHttpServer, DEFAULT_UI_PORT, UiPortInUseError } from './core/control/httpServer';
import { applySavedToggles, savedTunnelOptions, SettingsStore } from './core/control/settings';
import { probeUpstream } from './core/control/upstreamHealth';
import type { Settings } from '../shared/controlApi';
import { LOCALTUNNEL_SUBDOMAIN, type TunnelOptions } from './core/tunnel';
import { TUNNEL_PROVIDERS, type TunnelProviderId } from '../shared/tunnel';
import { ClientWouldFail, scenarioCommand, simulateCommand } from './simulateCommands';
import { compareCommand, lintCommand } from './lintCommands';
import { followTunnel } from './tunnelCommands';
import { COMMAND_HELP, COMMAND_NAMES, helpPointer, USAGE, type CommandName } from './cliHelp';

// Headless entry: `serve` starts the inspector without Electron. Flags are a public contract:
// users' scripts call them, so add new ones rather than renaming these.


class UsageError extends Error {}

/** `--toggle id=option`, checked against the catalogue before anything starts. */
function parseToggleFlags(values: string[] | undefined): Array<[string, string]> {
  return (values ?? []).map((value) => {
    const [toggleId, optionId, ...extra] = value.split('=');
    if (!toggleId || !optionId || extra.length) throw new UsageError(`--toggle must look like id=option (e.g. notification-status=204), got "${value}"`);
    try {
      toggleOption(toggleId, optionId);
    } catch (err) {
      throw new UsageError(`--toggle ${value}: ${(err as Error).message}`);
    }
    return [toggleId, optionId];
  });
}

/**
 * `serve --toggles`: every toggle id with its options, the default first; options only the
 * built-in server can play (in front of --upstream, and on an --intercept-as authorization server) say so.
 */
function toggleList(): string {
  const width = Math.max(...TOGGLES.map((t) => t.id.length));
  const note = (o: ToggleOption, i: number) => (i === 0 ? ' (default)' : toggleUnavailable(o, { builtIn: false }) ? ' (built-in server only)' : '');
  return `${TOGGLES.map((t) => `${t.id.padEnd(width)}  ${t.title}\n${' '.repeat(width + 2)}${t.options.map((o, i) => `${o.id}${note(o, i)}`).join(', ')}`).join('\n')}\n`;
}

function parsePort(value: string | undefined, flag = '--port', fallback = DEFAULT_PORT): number {
  if (value === undefined) return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`${flag} must be a whole number from 0 to 65535, got "${value}"`);
  return port;
}

function parsePublicUrl(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const check = checkHttpUrl(value);
  if ('url' in check) return check.url.origin;
  throw new UsageError(check.problem === 'scheme' ? `--public-url must use http or https, got "${check.scheme}"` : `--public-url must be an absolute http(s) URL, got "${value}"`);
}

function parseHttpUrl(flag: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const check = checkHttpUrl(value);
  if ('url' in check) return check.url.origin;
  throw new UsageError(`${flag} must be an absolute http(s) URL, got "${value}"`);
}

/**
 * The tunnel from the flags. None unless asked for: a tunnel publishes this machine's server
 * on the internet (and localtunnel's leg to its server is unencrypted), so it is opt-in.
 */
function parseTunnel(values: { tunnel?: string; 'tunnel-host'?: string; subdomain?: string; 'public-url'?: string; 'ngrok-authtoken'?: string; 'ngrok-domain'?: string }): TunnelOptions | undefined {
  const named = values.tunnel;
  if (named !== undefined && !(TUNNEL_PROVIDERS as readonly string[]).includes(named)) {
    throw new UsageError(`--tunnel must be one of ${TUNNEL_PROVIDERS.join(', ')}, got "${named}"`);
  }
  const localtunnelFlags = values['tunnel-host'] !== undefined || values.subdomain !== undefined;
  const provider = (named ?? (localtunnelFlags ? 'localtunnel' : 'none')) as TunnelProviderId;
  if (localtunnelFlags && provider !== 'localtunnel') throw new UsageError(`--tunnel-host and --subdomain apply to --tunnel localtunnel, not ${provider}`);
  if ((values['ngrok-authtoken'] !== undefined || values['ngrok-domain'] !== undefined) && provider !== 'ngrok') throw new UsageError(`--ngrok-authtoken and --ngrok-domain apply to --tunnel ngrok, not ${provider}`);
  if (values.subdomain !== undefined && !LOCALTUNNEL_SUBDOMAIN.test(values.subdomain)) {
    throw new UsageError(`--subdomain must be 4 to 63 lowercase letters, digits or inner hyphens (localtunnel's rule), got "${values.subdomain}"`);
  }
  if (provider === 'manual' && values['public-url'] === undefined) throw new UsageError('--tunnel manual needs --public-url <your public https URL that forwards to this port>');
  if (values['public-url'] !== undefined && provider !== 'manual' && provider !== 'none') {
    throw new UsageError(`--public-url names your own public URL: use it alone or with --tunnel manual; --tunnel ${provider} brings its own`);
  }
  if (provider === 'none') return undefined;
  return {
    provider,
    host: parseHttpUrl('--tunnel-host', values['tunnel-host']),
    subdomain: values.subdomain,
    publicUrl: values['public-url'],
    authtoken: values['ngrok-authtoken'],
    domain: values['ngrok-domain'],
  };
}

function parseBodyCap(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const bytes = Number(value);
  if (!Number.isInteger(bytes) || bytes < 0) throw new UsageError(`--body-cap must be a whole number of bytes, got "${value}"`);
  return bytes;
}

function parseUpstream(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    return checkUpstreamUrl(value, '--upstream');
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** --intercept-as-ca: a PEM file of one or more CA certificates. */
function readCaFile(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`Cannot read the CA file ${path}: ${(err as Error).message}`);
  }
  if (!text.includes('-----BEGIN CERTIFICATE-----')) throw new UsageError(`--intercept-as-ca ${path} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
  return text;
}

function readRulesFile(path: string): Rule[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`Cannot read the rules file ${path}: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`The rules file ${path} is not valid JSON: ${(err as Error).message}`);
  }
  return parseRules(json);
}

async function serve(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'public-url': { type: 'string' },
      profile: { type: 'string' },
      consent: { type: 'string' },
      'allow-private-cimd': { type: 'boolean' },
      upstream: { type: 'string' },
      rules: { type: 'string' },
      'no-rewrite-origins': { type: 'boolean' },
      'rewrite-host': { type: 'boolean' },
      'intercept-as': { type: 'boolean' },
      'intercept-as-ca': { type: 'string' },
      'no-capture': { type: 'boolean' },
      'body-cap': { type: 'string' },
      'capture-name': { type: 'string' },
      'data-dir': { type: 'string' },
      'ui-port': { type: 'string' },
      'no-ui': { type: 'boolean' },
      tunnel: { type: 'string' },
      'tunnel-host': { type: 'string' },
      subdomain: { type: 'string' },
      'ngrok-authtoken': { type: 'string' },
      'ngrok-domain': { type: 'string' },
      fresh: { type: 'boolean' },
      toggle: { type: 'string', multiple: true },
      toggles: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(COMMAND_HELP.serve);
    return;
  }
  if (values.toggles) {
    process.stdout.write(toggleList());
    return;
  }
  const flagToggles = parseToggleFlags(values.toggle);
  const uiPort = parsePort(values['ui-port'], '--ui-port', DEFAULT_UI_PORT);
  const dataDir = values['data-dir'] ?? defaultDataDir();
  const settings = new SettingsStore(dataDir);
  const saved: Settings = values.fresh ? {} : settings.get();
  if (settings.loadProblem && !values.fresh) process.stderr.write(`Warning: ${settings.loadProblem}\n`);
  const consent = values.consent;
  if (consent !== undefined && consent !== 'manual' && consent !== 'auto') throw new UsageError(`--consent must be "manual" or "auto", got "${consent}"`);
  // Any tunnel flag (--tunnel none included) replaces the tunnel the UI left open last time.
  const tunnelFlags = (['tunnel', 'tunnel-host', 'subdomain', 'public-url', 'ngrok-authtoken', 'ngrok-domain'] as const).some((flag) => values[flag] !== undefined);
  const reopened = tunnelFlags ? undefined : savedTunnelOptions(saved);
  const tunnel = parseTunnel(values) ?? reopened;

  // Flags win over what the UI saved last time.
  const preset = values.profile ?? saved.presetId;
  const upstream = values.upstream !== undefined ? parseUpstream(values.upstream) : saved.upstream;
  const interceptAs = values['intercept-as'] ?? (!!upstream && values.upstream === undefined && !!saved.interceptAs?.includes(upstream));
  if (interceptAs && values['no-rewrite-origins']) throw new UsageError('--intercept-as rewrites the authorization servers\' origins to the front door\'s: it cannot work with --no-rewrite-origins');
  if (values['intercept-as'] && !upstream) throw new UsageError('--intercept-as fronts the authorization server of your own server: give it with --upstream <url> (the built-in server\'s AS is on its own origin, seen already)');
  const inspector = await Inspector.create({
    port: values.port !== undefined ? parsePort(values.port) : (saved.port ?? DEFAULT_PORT),
    host: values.host,
    publicUrl: parsePublicUrl(values['public-url']),
    preset,
    profile: consent ? { consent } : undefined,
    allowPrivateCimd: values['allow-private-cimd'] ?? false,
    upstream,
    rules: values.rules ? readRulesFile(values.rules) : saved.rules,
    rewriteOrigins: !values['no-rewrite-origins'],
    rewriteHost: values['rewrite-host'] ?? false,
    interceptAs,
    interceptAsCa: values['intercept-as-ca'] !== undefined ? readCaFile(values['intercept-as-ca']) : undefined,
    captureDir: values['no-capture'] ? undefined : capturesDir(dataDir),
    captureName: values['capture-name'],
    bodyCap: parseBodyCap(values['body-cap']),
    tunnel,
  });
  let info: ListeningInfo;
  try {
    info = await inspector.start();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EADDRNOTAVAIL' || code === 'EACCES') {
      const why = code === 'EACCES' ? 'this user may not open that port (below 1024?)' : '--host must be an address of this machine';
      throw new UsageError(`Cannot listen on ${values.host ?? '127.0.0.1'} (${code}): ${why}`);
    }
    throw err;
  }
  applySavedToggles(inspector, saved, (message) => process.stderr.write(`Warning: ${message}\n`));
  try {
    // After the saved ones: a flag wins over what the UI left on last time.
    for (const [toggleId, optionId] of flagToggles) inspector.setToggle(toggleId, optionId);
  } catch (err) {
    await inspector.stop();
    if (info.captureId) await inspector.deleteCapture(info.captureId).catch(() => undefined);
    throw new UsageError(`--toggle: ${(err as Error).message}`);
  }
  const control = new ControlService(inspector, { settings, presetId: preset ?? 'spec' });
  let ui: ControlHttpServer | undefined;
  if (!values['no-ui']) {
    ui = new ControlHttpServer(control, { port: uiPort });
    try {
      await ui.listen();
    } catch (err) {
      await inspector.stop();
      // Nothing was served: no empty capture is left behind for this run.
      if (info.captureId) await inspector.deleteCapture(info.captureId).catch(() => undefined);
      throw err;
    }
  }
  const profile = preset ?? 'spec';
  const lines = info.upstreamIsBuiltIn
    ? [
        `MCP Handshake Inspector: built-in reference server (profile: ${profile}, consent: ${inspector.profile.consent})`,
        `  MCP endpoint (Streamable HTTP):  ${info.mcpUrl}`,
        `  Legacy HTTP+SSE endpoint:        ${info.legacySseUrl}`,
        ...discoveryLines(inspector.profile, info.publicOrigin),
        ...(values['allow-private-cimd'] ? ['  Client ID Metadata Documents:    also fetched from private addresses (--allow-private-cimd)'] : []),
      ]
    : [
        `MCP Handshake Inspector: proxying to ${info.upstream}`,
        `  Point your client at:            ${info.publicOrigin}/<your MCP path> (e.g. ${info.mcpUrl})`,
        `  Origin rewriting:                ${values['no-rewrite-origins'] ? 'off' : 'on'}${values['rewrite-host'] ? ', Host rewritten to the upstream' : ''}`,
        ...(info.interceptAs ? [`  Authorization servers:           fronted under ${info.publicOrigin}/_as/<n>/ (--intercept-as)`] : []),
      ];
  if (inspector.rules.length) lines.push(`  Rules:                           ${inspector.rules.length} from ${values.rules ?? `the saved settings in ${settings.file}`}`);
  const toggles = Object.entries(inspector.toggles);
  if (toggles.length) lines.push(`  Toggles:                         ${toggles.map(([id, option]) => `${id}=${option}`).join(', ')}${flagToggles.length ? '' : ' (saved)'}`);
  if (ui) lines.push(`  Inspector UI (keep this URL private, it carries the access token):`, `    ${ui.url}${ui.hasRenderer ? '' : '   (not built yet: run npm run build)'}`);
  lines.push(`  Capture:                         ${info.captureId ? `${info.captureId} in ${inspector.captureDir}` : 'off (--no-capture)'}`);
  if (tunnel) lines.push(`  Tunnel:                          ${tunnel.provider}${reopened ? ` (reopened from ${settings.file}; --tunnel none or --fresh skips it)` : ''} (its progress follows as [tunnel] lines)`);
  if (!info.upstreamIsBuiltIn) {
    // Said once at start, so a typo'd port or a server not started yet isn't found by a client first.
    const health = await probeUpstream(info.upstream, 1500);
    if (health.health === 'down') lines.push(`  Warning: ${/[.?!]$/.test(health.reason ?? '') ? health.reason : `${health.reason}.`} Clients get 502 from the front door until it answers.`);
  }
  const interactive = process.stdin.isTTY === true;
  lines.push(`${info.captureId ? 'Recording every exchange' : 'Showing every exchange, saving none (--no-capture)'}. Listening on ${info.host}:${info.port}. ${interactive ? 'Type a label and Enter to mark a boundary between runs. ' : ''}Press Ctrl-C to stop.`, '');
  process.stdout.write(lines.join('\n'));
  // The tunnel's timeline, then each change as it comes; `r` and SIGUSR2 retry it at once.
  const tunnelFollower = followTunnel(inspector, { interactive });
  if (interactive) {
    // A boundary splits "before toggle" from "after toggle": every client's next exchange begins a new run.
    createInterface({ input: process.stdin }).on('line', (label) => {
      if (tunnelFollower.handleLine(label)) return;
      void control.invoke('boundaries.mark', label.trim() ? { label: label.trim() } : {}).then((marked) => {
        if (marked.ok) process.stdout.write(`── boundary marked at ${new Date((marked.result as Boundary).at).toISOString().slice(11, 23)}${label.trim() ? ` (${label.trim()})` : ''}: clients' next exchanges begin new runs ──\n`);
      });
    });
  }
  // Each finished exchange as it happens (the tunnel's timeline is followTunnel's).
  inspector.subscribe((event) => {
    if (event.type === 'exchange:end') process.stdout.write(`${formatExchange(event.exchange)}\n`);
  });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal} received, shutting down…\n`);
    control.close();
    Promise.all([ui?.close(), inspector.stop()]).then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`Error while shutting down: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

const print = (line: string) => process.stdout.write(`${line}\n`);

const COMMANDS = new Set<string>(COMMAND_NAMES);
/** parseArgs errors that are the user's typing, said in one line. */
const ARG_ERRORS = new Set(['ERR_PARSE_ARGS_UNKNOWN_OPTION', 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE', 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL']);

let pipeWatched = false;

export async function main(argv: string[]): Promise<void> {
  if (!pipeWatched) {
    pipeWatched = true;
    // `captures show | head`: the reader left, which is no error of ours.
    process.stdout.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
      process.exit(process.exitCode ?? 0);
    });
  }
  const [command, ...rest] = argv;
  if (command && COMMANDS.has(command) && (rest.includes('--help') || rest.includes('-h'))) {
    process.stdout.write(COMMAND_HELP[command as CommandName]);
    return;
  }
  try {
    switch (command) {
      case 'serve':
        return await serve(rest);
      case 'captures':
        return await capturesCommand(rest, print);
      case 'export':
        return await exportCommand(rest, print);
      case 'import':
        return await importCommand(rest, print);
      case 'replay':
        return await replayCommand(rest, print);
      case 'simulate':
        return await simulateCommand(rest, print);
      case 'scenario':
        return await scenarioCommand(rest, print);
      case 'lint':
        process.exitCode = await lintCommand(rest, print);
        return;
      case 'compare':
        process.exitCode = await compareCommand(rest, print);
        return;
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        process.stdout.write(USAGE);
        return;
      default:
        throw new UsageError(`Unknown command "${command}".`);
    }
  } catch (err) {
    const known = err instanceof UsageError || err instanceof PortInUseError || err instanceof UiPortInUseError || err instanceof UnknownPresetError || err instanceof InvalidProfileError || err instanceof InvalidRulesError || err instanceof CommandError || err instanceof ClientWouldFail;
    // One line: parseArgs' own messages come in several.
    const message = ((err as Error)?.message ?? String(err)).replace(/\s*\n\s*/g, ' ');
    if (known || ARG_ERRORS.has((err as NodeJS.ErrnoException)?.code ?? '')) {
      // One line, and where the command's options are: never the whole usage. A client that
      // would fail is a verdict, not a mistake in the command.
      const pointer = err instanceof ClientWouldFail ? '' : ` ${helpPointer(COMMANDS.has(command ?? '') ? command : undefined)}`;
      process.stderr.write(`Error: ${pointer ? message.replace(/[.:]?$/, '.') : message}${pointer}\n`);
    } else {
      process.stderr.write(`Unexpected error: ${(err as Error)?.stack ?? message}\n`);
    }
    process.exitCode = 1;
  }
}

/** Where the reference server's discovery documents are, as its profile serves them. */
function discoveryLines(profile: BehaviorProfile, origin: string): string[] {
  const prm = profile.protectedResourceMetadata;
  const flavor = profile.authServerMetadata;
  const location = profile.authServerMetadataLocation;
  const suffix = (where: string) => (where === 'path-suffixed' ? MCP_ENDPOINT_PATH : '');
  const asDocument = flavor === 'openid' ? WELL_KNOWN.openidConfiguration : WELL_KNOWN.authorizationServer;
  return [
    `  Protected resource metadata:     ${prm === 'none' ? 'not served (profile)' : `${origin}${WELL_KNOWN.protectedResource}${prm === 'root' ? '' : MCP_ENDPOINT_PATH}`}`,
    `  Authorization server metadata:   ${flavor === 'none' || location === 'none' ? 'not served (profile)' : `${origin}${asDocument}${suffix(location)}`}`,
  ];
}

// Run when executed directly (tsx src/main/cli.ts, node out/main/cli.js); the bin calls main().
function invokedDirectly(): boolean {
  try {
    return !!process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
  } catch {
    return false;
  }
}
if (invokedDirectly()) void main(process.argv.slice(2));
