/**
 * A loopback TCP proxy that records when each connection was accepted: the agent's connection attempts
 * as the router sees them, timed to the millisecond, without touching the agent.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

export class RecordingProxy {
  /** `performance.now()` of every accepted connection, in order. */
  readonly acceptedAt: number[] = [];
  /** `performance.now()` when each connection (same index) closed; absent while it is open. */
  readonly closedAt: number[] = [];
  private readonly _sockets = new Set<Socket>();
  private _server: Server | undefined;
  private _port = 0;

  private constructor(private readonly _target: { host: string; port: number }) {}

  /** Starts listening on 127.0.0.1 with an ephemeral port. */
  static async start(target: { host: string; port: number }): Promise<RecordingProxy> {
    const proxy = new RecordingProxy(target);
    await proxy._listen();
    return proxy;
  }

  get port(): number {
    return this._port;
  }

  async stop(): Promise<void> {
    for (const socket of this._sockets) socket.destroy();
    this._sockets.clear();
    const server = this._server;
    this._server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private _listen(): Promise<void> {
    const server = createServer((client) => {
      const index = this.acceptedAt.push(performance.now()) - 1;
      client.once('close', () => (this.closedAt[index] = performance.now()));
      const upstream = connect(this._target);
      for (const socket of [client, upstream]) {
        this._sockets.add(socket);
        socket.on('error', () => undefined);
        socket.on('close', () => {
          this._sockets.delete(socket);
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream);
      upstream.pipe(client);
    });
    this._server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        if (address !== null && typeof address === 'object') this._port = address.port;
        resolve();
      });
    });
  }
}
