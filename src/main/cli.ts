import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_PORT, Inspector, PortInUseError } from './core/inspector';
import { PRESETS, UnknownPresetError } from './core/server/presets';
import { InvalidProfileError } from './core/server/profile';

// Headless entry: `serve` starts the inspector without Electron. Flags are a public contract:
// users' scripts call them, so add new ones rather than renaming these.

const USAGE = `Usage: mcp-handshake-inspector <command> [options]

Commands:
  serve        Start the reference MCP + OAuth server

serve options:
  --port <n>            Port to listen on (default ${DEFAULT_PORT}); the MCP endpoint is http://127.0.0.1:<n>/mcp
  --host <addr>         Address to bind (default 127.0.0.1)
  --public-url <url>    Public origin clients use (e.g. a tunnel URL); issuer and resource URLs follow it
  --profile <preset>    Behaviour preset (default spec): ${PRESETS.map((p) => p.id).join(', ')}
  --consent <mode>      manual (consent page, default) or auto (approve at once, for tests and demos)
  -h, --help            Show this help
`;

class UsageError extends Error {}

function parsePort(value: string | undefined): number {
  if (value === undefined) return DEFAULT_PORT;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a whole number from 0 to 65535, got "${value}"`);
  return port;
}

function parsePublicUrl(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--public-url must be an absolute http(s) URL, got "${value}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UsageError(`--public-url must use http or https, got "${url.protocol}"`);
  return url.origin;
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
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const consent = values.consent;
  if (consent !== undefined && consent !== 'manual' && consent !== 'auto') throw new UsageError(`--consent must be "manual" or "auto", got "${consent}"`);

  const inspector = await Inspector.create({
    port: parsePort(values.port),
    host: values.host,
    publicUrl: parsePublicUrl(values['public-url']),
    preset: values.profile,
    profile: consent ? { consent } : undefined,
  });
  const info = await inspector.start();
  const profile = values.profile ?? 'spec';
  process.stdout.write(
    [
      `MCP Handshake Inspector reference server (profile: ${profile}, consent: ${inspector.server.profile.consent})`,
      `  MCP endpoint (Streamable HTTP):  ${info.mcpUrl}`,
      `  Legacy HTTP+SSE endpoint:        ${info.legacySseUrl}`,
      `  Protected resource metadata:     ${info.publicOrigin}/.well-known/oauth-protected-resource/mcp`,
      `  Authorization server metadata:   ${info.publicOrigin}/.well-known/oauth-authorization-server`,
      `Listening on ${info.host}:${info.port}. Press Ctrl-C to stop.`,
      '',
    ].join('\n'),
  );

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal} received, shutting down…\n`);
    inspector.stop().then(
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

export async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'serve':
        return await serve(rest);
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
    const known = err instanceof UsageError || err instanceof PortInUseError || err instanceof UnknownPresetError || err instanceof InvalidProfileError;
    const message = (err as Error)?.message ?? String(err);
    if (known || (err as NodeJS.ErrnoException)?.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || (err as NodeJS.ErrnoException)?.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      process.stderr.write(`Error: ${message}\n${err instanceof UsageError ? `\n${USAGE}` : ''}`);
    } else {
      process.stderr.write(`Unexpected error: ${(err as Error)?.stack ?? message}\n`);
    }
    process.exitCode = 1;
  }
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
