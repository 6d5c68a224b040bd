import type { AddressInfo } from 'node:net';
import { ReferenceServer, type ReferenceServerOptions } from './server';
import { MCP_ENDPOINT_PATH, LEGACY_SSE_PATH } from './server/urls';

export interface InspectorOptions extends ReferenceServerOptions {
  /** Port of the front door (default 7420); 0 picks a free one. */
  port?: number;
  host?: string;
}

export const DEFAULT_PORT = 7420;

export interface ListeningInfo {
  host: string;
  port: number;
  /** The MCP endpoint a client connects to. */
  mcpUrl: string;
  legacySseUrl: string;
  /** The origin clients are told about in metadata (public URL when configured). */
  publicOrigin: string;
}

/** Raised when the chosen port is taken, with the flag that changes it. */
export class PortInUseError extends Error {
  constructor(readonly port: number) {
    super(`Port ${port} is already in use. Stop whatever is listening there or choose another port with --port <number>.`);
  }
}

/**
 * The one object the Electron main process, the CLI and the tests construct. It owns the parts
 * of the core (today the reference server; the proxy, recorder and tunnel plug in here).
 */
export class Inspector {
  private listening?: ListeningInfo;

  private constructor(
    readonly server: ReferenceServer,
    private readonly options: InspectorOptions,
  ) {}

  static async create(options: InspectorOptions = {}): Promise<Inspector> {
    return new Inspector(await ReferenceServer.create(options), options);
  }

  async start(): Promise<ListeningInfo> {
    const host = this.options.host ?? '127.0.0.1';
    const requested = this.options.port ?? DEFAULT_PORT;
    let address: AddressInfo;
    try {
      address = await this.server.listen(requested, host);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new PortInUseError(requested);
      throw err;
    }
    const local = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
    const origin = this.server.publicUrl ? new URL(this.server.publicUrl).origin : local;
    this.listening = {
      host,
      port: address.port,
      mcpUrl: `${origin}${MCP_ENDPOINT_PATH}`,
      legacySseUrl: `${origin}${LEGACY_SSE_PATH}`,
      publicOrigin: origin,
    };
    return this.listening;
  }

  get info(): ListeningInfo | undefined {
    return this.listening;
  }

  async stop(): Promise<void> {
    await this.server.close();
    this.listening = undefined;
  }
}
