import { spawn, type ChildProcess } from 'node:child_process';

// The CLI as users run it, as a child process (tsx compiles on start: allow seconds per start).

export interface CliProcess {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** Runs `src/main/cli.ts <args>` with its data dir in `dataDir` (never the user's); `preload` modules are --import'ed first. */
export function runCli(args: string[], options: { dataDir: string; env?: NodeJS.ProcessEnv; preload?: string[] }): CliProcess {
  const preload = (options.preload ?? []).flatMap((p) => ['--import', p]);
  return runCommand(process.execPath, ['--import', 'tsx', ...preload, 'src/main/cli.ts', ...args], { env: { MCP_INSPECTOR_DATA_DIR: options.dataDir, ...options.env } });
}

/** Any command (an installed bin, say) as a CliProcess: its output collected, its exit awaited. */
export function runCommand(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): CliProcess {
  const child = spawn(command, args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env } });
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk) => (out += chunk));
  child.stderr!.on('data', (chunk) => (err += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Resolves with what `serve` printed once it says it is listening (and, if asked, its capture), or rejects when it exits first. */
export function whenListening(served: CliProcess, options: { capture?: boolean } = {}): Promise<{ port: number; captureId?: string }> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const port = /Listening on 127\.0\.0\.1:(\d+)/.exec(served.stdout());
      const capture = /Capture:\s+(\S+) in /.exec(served.stdout());
      if (port && (!options.capture || capture)) resolve({ port: Number(port[1]), captureId: capture?.[1] });
    };
    served.child.stdout!.on('data', check);
    check();
    void served.exited.then((code) => reject(new Error(`serve exited with ${code}: ${served.stderr()}`)));
  });
}
