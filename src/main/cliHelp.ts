import { PRESETS } from './core/server/presets';
import { DEFAULT_PORT } from './core/inspector';
import { DEFAULT_UI_PORT } from './core/control/httpServer';

// The CLI's help: a short overview of the commands, and each command's own options and
// examples (`<command> --help`). Errors point here in one line instead of printing it all.

export const PROGRAM = 'mcp-handshake-inspector';

export const COMMAND_HELP = {
  serve: `Usage: ${PROGRAM} serve [options]

Start the inspector: the front door (an intercepting proxy) in front of the built-in reference
MCP + OAuth server, or of your own server with --upstream, and the web UI.

Options:
  --port <n>            Port to listen on (default ${DEFAULT_PORT}); the MCP endpoint is http://127.0.0.1:<n>/mcp
  --host <addr>         Address to bind (default 127.0.0.1)
  --public-url <url>    Public origin clients use (e.g. a tunnel URL); issuer and resource URLs follow it
  --tunnel <provider>   Open a public tunnel to the front door: localtunnel, cloudflared, ngrok,
                        manual (your own --public-url, checked from outside) or none (default)
  --tunnel-host <url>   localtunnel: your own tunnel server (default https://localtunnel.me)
  --subdomain <name>    localtunnel: the subdomain to ask for (--tunnel-host and --subdomain
                        alone imply --tunnel localtunnel)
  --ngrok-authtoken <t> ngrok: the auth token (default: NGROK_AUTHTOKEN)
  --ngrok-domain <name> ngrok: your reserved or free static domain
  --profile <preset>    Behaviour preset (default spec): ${PRESETS.map((p) => p.id).join(', ')}
  --consent <mode>      manual (consent page, default) or auto (approve at once, for tests and demos)
  --allow-private-cimd  Let the built-in server fetch Client ID Metadata Documents from private,
                        loopback and link-local addresses (and over http from them), to test your
                        own client on a private network; by default only https URLs on public addresses
  --upstream <url>      Proxy to your own MCP server instead of the built-in reference server
  --rules <file>        JSON file with rules that change exchanges on the way (docs/front-door.md#rules)
  --toggle <id=option>  Turn a toggle on for this run, e.g. --toggle notification-status=204 (repeat
                        for more; ids and options: --toggles)
  --toggles             List every toggle id with its options, then exit
  --no-rewrite-origins  Leave the upstream's own origin in its metadata and headers
  --rewrite-host        Send the upstream its own Host (servers with DNS-rebinding protection);
                        the front door then refuses a foreign Host/Origin in its place
  --intercept-as        With --upstream: also front its authorization server(s) on other origins
                        (Auth0, Keycloak, …) under /_as/<n>/, so discovery, registration, authorize
                        and token requests are recorded too (docs/intercept-as.md)
  --intercept-as-ca <f> PEM file of a CA trusted for those servers besides Node's roots (or set
                        NODE_EXTRA_CA_CERTS); certificates are always checked
  --body-cap <bytes>    Body bytes kept per exchange (default 1048576); the rest is counted, marked truncated
  --no-capture          Don't record to disk (exchanges are still shown)
  --capture-name <name> Name of this run's capture
  --ui-port <n>         Port of the web UI and its control API, always on 127.0.0.1 (default ${DEFAULT_UI_PORT}; 0 picks a free one)
  --no-ui               Don't serve the web UI
  --fresh               Ignore the saved settings for this run (scripts that want a known state)
  Settings changed in the UI (upstream, port, toggles, rules, preset, tunnel) are saved in the data dir
  and used at the next start unless a flag gives them or --fresh is set. A tunnel left running in
  the UI opens again unless a tunnel flag is given (--tunnel none: no tunnel this time); the ngrok
  auth token is never saved (set NGROK_AUTHTOKEN).
  --data-dir <dir>      Where settings and captures live (default: MCP_INSPECTOR_DATA_DIR or the
                        per-user app data folder)
  -h, --help            Show this help

Examples:
  ${PROGRAM} serve --port 7420
  ${PROGRAM} serve --upstream http://127.0.0.1:8001 --tunnel localtunnel
  ${PROGRAM} serve --upstream http://127.0.0.1:8001 --intercept-as
  ${PROGRAM} serve --toggle notification-status=204 --toggle get-stream=501
`,
  captures: `Usage: ${PROGRAM} captures list|show [id]|rename <id> <name>|delete <id> [--data-dir <dir>]

The captures recorded in the data dir: list them, show one's exchanges (default the latest),
rename or delete one (not the one a running inspector is writing).

Examples:
  ${PROGRAM} captures list
  ${PROGRAM} captures show 2026-11-24T14-03-00Z-1a2b3c4d
`,
  export: `Usage: ${PROGRAM} export --har <file> [--capture <id>] [--raw] [--data-dir <dir>]

Write a capture (default the latest) as HAR 1.2. Secrets (tokens, codes, client secrets,
cookies) are redacted unless --raw.

Example:
  ${PROGRAM} export --har handshake.har
`,
  import: `Usage: ${PROGRAM} import <file.har> [--name <name>] [--data-dir <dir>]

Add a HAR file (from the inspector, a browser or another proxy) as a capture.

Example:
  ${PROGRAM} import handshake.har --name "bug report 42"
`,
  replay: `Usage: ${PROGRAM} replay <capture> <exchange-id> [--to <origin>] [--data-dir <dir>]

Send a recorded request again, by default to the front door on 127.0.0.1 at the port saved in
the data dir, else ${DEFAULT_PORT}.

Example:
  ${PROGRAM} replay 2026-11-24T14-03-00Z-1a2b3c4d 12 --to http://127.0.0.1:7420
`,
  simulate: `Usage: ${PROGRAM} simulate --client <id>... --url <url> [options]
       ${PROGRAM} simulate --list [--json]

Replay real clients' handshakes against a server; exits 1 when a client would fail.

Options:
  --client <id>               A profile (claude-ai@2025-06) or a family (claude-ai: its default
                              variant, the newest observed); repeat for several clients, summed
                              up in one table
  --url <url>                 The MCP endpoint, e.g. https://my-server.example/mcp
  --json                      The verdicts as JSON (one object, or an array for several clients)
  --header "Name: value"      Send a header with every request (repeatable)
  --timeout <ms>              Per-request timeout
  --strict                    Exit 1 on warnings too, and on differences from --compare-with
  --requests                  Print every request each step made
  --compare-with <file.har>   Align the simulated run with a real client's capture (a HAR from
                              \`export --har\` or browser devtools; file#N: one connection) and
                              report where they differ: headers, order, OAuth parameters,
                              protocol version, registration path (one --client)
  --call <tool>               Once connected, call that tool (2026-07-28 clients answer
                              input_required rounds)
  --junit <file>              JUnit XML: a suite per client, a case per step
  --expected-failures <file>  JSON/YAML list of known failures (profile:step or profile) that
                              don't fail the run; listed ones that pass are noted
  --list                      The client profiles, with sources and observed dates
  --data-dir <dir>            Accepted for symmetry (simulate keeps nothing there)
  -h, --help                  Show this help

Examples:
  ${PROGRAM} simulate --client claude-ai --url https://my-server.example/mcp
  ${PROGRAM} simulate --client claude-ai --client chatgpt --url http://127.0.0.1:7420/mcp --junit clients.xml
`,
  scenario: `Usage: ${PROGRAM} scenario list [--json]
       ${PROGRAM} scenario run <id|file.json> [--json] [--fixed] [--no-capture] [--junit <file>] [--data-dir <dir>]
       ${PROGRAM} scenario export <id> <file.json> [--no-run] [--raw]

The bug-report library: documented client failures, each reproduced against a misbehaving
server. run exits 1 unless the client fails where the report says (--fixed: unless it connects
with the fix); --junit writes the verdict and the steps as JUnit XML.

Example:
  ${PROGRAM} scenario run ref001-pitfall3-get-501
`,
  lint: `Usage: ${PROGRAM} lint <capture.har | capture-id> [options]

Judge a saved capture against the specs and known client quirks; exits 1 when there are errors.

Options:
  --json                      The findings as JSON
  --sse-idle-limit <seconds>  How long an SSE stream may stay silent before it is judged
  --sarif <file>              SARIF 2.1.0 (code-scanning views)
  --junit <file>              JUnit XML, a case per lint rule
  --expected-failures <file>  JSON/YAML list of rule ids whose errors don't fail the run
  --data-dir <dir>            Where captures live
  -h, --help                  Show this help

Example:
  ${PROGRAM} lint handshake.har --sarif lint.sarif
`,
  compare: `Usage: ${PROGRAM} compare <capture-or-har>[#connection] <capture-or-har>[#connection] [--json] [--data-dir <dir>]

Two client connections side by side, aligned by handshake stage. #connection is its number
from 1 or its id; by default the connection with the most exchanges.

Example:
  ${PROGRAM} compare before.har after.har#2
`,
} as const;

export type CommandName = keyof typeof COMMAND_HELP;
export const COMMAND_NAMES = Object.keys(COMMAND_HELP) as CommandName[];

/** The first line of each command's description, for the overview. */
const SUMMARY: Record<CommandName, string> = {
  serve: 'Start the inspector (front door + reference server or --upstream) and its web UI',
  captures: 'List, show, rename or delete recorded captures',
  export: 'Write a capture as HAR 1.2 (secrets redacted unless --raw)',
  import: 'Add a HAR file as a capture',
  replay: 'Send a recorded request again',
  simulate: "Replay real clients' handshakes against a server (JUnit for CI)",
  scenario: 'The bug-report library: reproduce documented client failures',
  lint: 'Judge a capture against the specs and client quirks (SARIF, JUnit)',
  compare: 'Two connections side by side',
};

export const USAGE = `Usage: ${PROGRAM} <command> [options]
       ${PROGRAM} [serve options]  (the desktop window; headless serve where it can't open)

Commands:
${COMMAND_NAMES.map((name) => `  ${name.padEnd(10)} ${SUMMARY[name]}`).join('\n')}

Run \`${PROGRAM} <command> --help\` for a command's options and examples.
Every command takes --data-dir <dir> (default: MCP_INSPECTOR_DATA_DIR or the per-user app data folder).
`;

/** The line every usage error ends with. */
export const helpPointer = (command?: string) => `Run \`${PROGRAM} ${command && command in COMMAND_HELP ? `${command} --help` : '--help'}\` for ${command && command in COMMAND_HELP ? 'its options' : 'the commands'}.`;
