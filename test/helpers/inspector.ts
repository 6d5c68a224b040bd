import type { Exchange } from '../../src/shared/exchange';
import { Inspector, type InspectorOptions } from '../../src/main/core/inspector';

/** An Inspector (front door + recorder + upstream) on a random port, and its finished exchanges. */
export async function startInspector(options: InspectorOptions = {}) {
  const inspector = await Inspector.create({ port: 0, ...options });
  const ended: Exchange[] = [];
  const waiters: Array<{ test: (e: Exchange) => boolean; resolve: (e: Exchange) => void }> = [];
  inspector.subscribe((event) => {
    if (event.type !== 'exchange:end') return;
    ended.push(event.exchange);
    for (const waiter of waiters.splice(0)) {
      if (waiter.test(event.exchange)) waiter.resolve(event.exchange);
      else waiters.push(waiter);
    }
  });
  const info = await inspector.start();
  return {
    inspector,
    info,
    origin: `http://127.0.0.1:${info.port}`,
    ended,
    /** Resolves with the first finished exchange (already or later) that passes `test`. */
    waitForExchange(test: (e: Exchange) => boolean): Promise<Exchange> {
      const found = ended.find(test);
      if (found) return Promise.resolve(found);
      return new Promise((resolve) => waiters.push({ test, resolve }));
    },
    /** The exchanges of one simulated run, once every one of them has ended (streams close when the run finishes). */
    async runExchanges(runId: string): Promise<Exchange[]> {
      const mine = () => inspector.exchanges().filter((e) => e.simulationRun === runId);
      await Promise.all(mine().map((e) => this.waitForExchange((x) => x.id === e.id)));
      return mine();
    },
    close: () => inspector.stop(),
  };
}
