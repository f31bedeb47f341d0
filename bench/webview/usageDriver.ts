// Injected into the standalone usage-view page by bench/sections/usageView.ts. Times one
// `report` message as the view handles it: the message handler (the protocol check, both charts
// updated and drawn by Chart.js, the tables rebuilt), then everything in the next animation
// frame up to a forced layout (the tables' layout), paint excluded.
import type { UsageReport } from '../../src/core/usageReport';

function timedReport(report: UsageReport): Promise<number> {
  return new Promise((resolve) => {
    let frameStart = 0;
    requestAnimationFrame(() => { frameStart = performance.now(); });
    const t0 = performance.now();
    window.dispatchEvent(new MessageEvent('message', { data: { type: 'report', report } }));
    const handler = performance.now() - t0;
    requestAnimationFrame(() => {
      void document.body.offsetHeight;
      resolve(handler + performance.now() - frameStart);
    });
  });
}

/** What the driver adds to the page's window. */
export interface UsageBenchDriver {
  /** ms per report, `runs` times in a row (the first on a fresh page is the first render). */
  render(report: UsageReport, runs: number): Promise<number[]>;
}

const driver: UsageBenchDriver = {
  async render(report, runs) {
    const out: number[] = [];
    for (let i = 0; i < runs; i++) out.push(await timedReport(report));
    return out;
  },
};
(window as unknown as { bedrockLlamaUsageBench: UsageBenchDriver }).bedrockLlamaUsageBench = driver;
