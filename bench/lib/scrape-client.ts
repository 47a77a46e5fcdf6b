/**
 * A scraping client in its own process, so that reading a multi-megabyte body does not run on the
 * agent's event loop and the figure is what the agent spends answering. The parent sends
 * `{ host, port, gzip }`; the child scrapes once and answers with the duration, bytes and series count.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { scrape } from './agent-harness.js';
import { countSeries } from './exposition.js';

interface ScrapeOrder {
  readonly host: string;
  readonly port: number;
  readonly gzip: boolean;
}

export interface RemoteScrape {
  readonly status: number;
  readonly durationMillis: number;
  readonly wireBytes: number;
  readonly gzip: boolean;
  readonly series: number;
  readonly error?: string;
}

/** The parent's handle on the client process. */
export class ScrapeClient {
  private constructor(private readonly _child: ChildProcess) {}

  static start(): ScrapeClient {
    return new ScrapeClient(fork(fileURLToPath(import.meta.url), ['--scrape-client'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  }

  scrape(order: ScrapeOrder): Promise<RemoteScrape> {
    return new Promise((resolve, reject) => {
      const onExit = (): void => reject(new Error('scrape client exited'));
      this._child.once('exit', onExit);
      this._child.once('message', (message: RemoteScrape) => {
        this._child.off('exit', onExit);
        if (message.error !== undefined) reject(new Error(message.error));
        else resolve(message);
      });
      this._child.send(order);
    });
  }

  stop(): void {
    this._child.kill();
  }
}

if (process.argv.includes('--scrape-client')) {
  process.on('message', (order: ScrapeOrder) => {
    scrape({ host: order.host, port: order.port }, { gzip: order.gzip, timeoutMillis: 120_000 }).then(
      (result) =>
        process.send?.({
          status: result.status,
          durationMillis: result.durationMillis,
          wireBytes: result.wireBytes,
          gzip: result.gzip,
          series: countSeries(result.text),
        } satisfies RemoteScrape),
      (error: unknown) => process.send?.({ status: 0, durationMillis: 0, wireBytes: 0, gzip: false, series: 0, error: String(error) }),
    );
  });
}
