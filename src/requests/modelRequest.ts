// The request flow every surface shares, at the VS Code edge: the caller's AbortController
// is registered for Stop Generating and Escape, the core runs the request (src/core/request),
// and every request Bedrock bills goes on the meter — Bedrock's own counts, or estimates
// (marked as such) for one that was stopped or failed after Bedrock accepted it. It shows
// nothing: each surface presents the outcome itself.
import type { RequestOutcome } from '../core/request/outcome';
import { runRequest, type RequestEvents, type RequestSpec } from '../core/request/runRequest';
import type { Services } from '../services';
import type { RequestOwner } from './activeRequests';

export type { RequestSpec } from '../core/request/runRequest';

export async function runModelRequest(
  services: Services,
  spec: RequestSpec,
  owner: RequestOwner,
  controller: AbortController,
  events: RequestEvents,
): Promise<RequestOutcome> {
  const registration = services.active.register(controller, owner);
  const stopSpinner = services.meter.startGenerating();
  try {
    const outcome = await runRequest(spec, {
      settings: services.settings.current,
      connect: (config) => services.clients.lease(config),
      profiles: services.clients.profiles,
      requestId: services.active.nextId(),
      log: services.log,
    }, events, controller.signal);
    meter(services, outcome);
    return outcome;
  } finally {
    stopSpinner();
    registration.dispose();
  }
}

function meter(services: Services, outcome: RequestOutcome): void {
  if (outcome.kind !== 'ok' && outcome.kind !== 'stopped' && outcome.kind !== 'failed') return;
  const m = outcome.meter;
  if (!m) return;
  services.usage.record({ modelId: outcome.configModelId, usage: m.usage, costUsd: m.costUsd, estimated: m.estimated, at: new Date() });
  services.meter.setLastRequest({
    modelId: outcome.modelId,
    usage: m.usage,
    costUsd: m.costUsd,
    estimated: m.estimated,
    latency: outcome.kind === 'ok' ? outcome.latency : {},
  });
  const settings = services.settings.current;
  if (settings.ok) services.budget.check(settings.config.budgetUsd);
}
