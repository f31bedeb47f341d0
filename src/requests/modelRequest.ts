// The request flow every surface shares, at the VS Code edge: the caller's AbortController
// is registered for Stop Generating and Escape, the core runs the request (src/core/request),
// and every request Bedrock bills goes on the meter — Bedrock's own counts, or estimates
// (marked as such) for one that was stopped or failed after Bedrock accepted it. It shows
// nothing: each surface presents the outcome itself.
import * as vscode from 'vscode';
import { StopRequest, type RequestOutcome } from '../core/request/outcome';
import { runRequest, type CostEstimate, type PreflightVerdict, type RequestEvents, type RequestSpec } from '../core/request/runRequest';
import type { LlamaConfig } from '../core/settingsSchema';
import { wholeAnswerLabel } from '../core/request/wholeAnswer';
import type { Services } from '../services';
import type { RequestOwner } from './activeRequests';

export type { RequestSpec } from '../core/request/runRequest';

export interface RequestFlowOptions {
  /**
   * Whether the request may be sent, in place of the budgets' own check (which may ask in a
   * modal dialog): Summarize Files… confirms its whole run up front and must not ask per file.
   * The estimate is still held against the budgets while the request runs.
   */
  preflight?(estimate: CostEstimate, config: LlamaConfig): Promise<PreflightVerdict>;
}

export async function runModelRequest(
  services: Services,
  spec: RequestSpec,
  owner: RequestOwner,
  controller: AbortController,
  events: RequestEvents,
  options: RequestFlowOptions = {},
): Promise<RequestOutcome> {
  // Discovery starts with the first request, once its answer is coming (or it ended), so its
  // SDK client and calls never compete with the request itself; until then the catalog applies.
  let discoveryStarted = false;
  const startDiscovery = (): void => {
    if (discoveryStarted) return;
    discoveryStarted = true;
    services.models.ensureStarted();
  };
  const registration = services.active.register(controller, owner);
  const stopSpinner = services.meter.startGenerating();
  const ended = new AbortController();
  // The estimate held against the budgets while the request runs (see BudgetGuard.reserve).
  let release = (): void => undefined;
  try {
    // Only an application profile ARN nobody has resolved yet waits for discovery (bounded, stoppable).
    if (needsDiscovery(services)) await waitForDiscovery(services, controller.signal);
    const outcome = await runRequest(spec, {
      settings: services.settings.current,
      connect: (config) => services.clients.lease(config),
      profiles: services.clients.profiles,
      requestId: services.active.nextId(),
      log: services.log,
      streaming: services.streaming,
      tiers: services.tiers,
      recordPrompt: (record) => services.lastPrompt.set(record),
      cache: services.responseCache.forRequest(services.settings.current),
      availability: services.models.available,
      underlying: services.models.underlying,
      preflight: async (estimate) => {
        const current = services.settings.current;
        if (!current.ok) return { send: true };
        const verdict = await (options.preflight ?? ((e, c) => services.budget.preflight(e, c)))(estimate, current.config);
        if (verdict.send) release = services.budget.reserve(estimate.maxUsd ?? 0);
        return verdict;
      },
    }, {
      ...events,
      text: (delta) => { startDiscovery(); events.text(delta); },
      wholeAnswer: events.wholeAnswer ?? ((modelId) => showWholeAnswerWait(modelId, controller, ended.signal)),
      note: (note) => { services.notes.tell(note); events.note?.(note); },
    }, controller.signal);
    release(); // the meter now holds what it cost
    // Booked under what it was for: Summarize Files… (`batch`) apart from inline summaries.
    meter(services, outcome, spec.usageTask ?? spec.routeTask ?? spec.prompt.task.kind);
    return outcome;
  } finally {
    startDiscovery();
    release();
    ended.abort();
    stopSpinner();
    registration.dispose();
  }
}

const DISCOVERY_WAIT_MS = 15_000;

function needsDiscovery(services: Services): boolean {
  const snapshot = services.settings.current;
  const modelId = vscode.workspace.getConfiguration('bedrockLlama').get<string>('modelId') ?? '';
  return !snapshot.ok && modelId.includes(':application-inference-profile/') && snapshot.errors.some((e) => e.key === 'bedrockLlama.modelId');
}

async function waitForDiscovery(services: Services, signal: AbortSignal): Promise<void> {
  services.log.info('Waiting for the model list to learn which model the application inference profile uses');
  const timer = new AbortController();
  const timeout = setTimeout(() => timer.abort(), DISCOVERY_WAIT_MS);
  const stopped = new Promise<void>((resolve) => {
    for (const s of [signal, timer.signal]) s.addEventListener('abort', () => resolve(), { once: true });
  });
  try {
    // ensureStarted may start a moment later (the stored API key is read first): poll until settled.
    while (needsDiscovery(services) && !signal.aborted && !timer.signal.aborted) {
      services.models.ensureStarted();
      await Promise.race([services.models.idle().then(() => new Promise((r) => setTimeout(r, 50))), stopped]);
      const state = services.models.state;
      if (!state.running && (state.discovery || state.failure)) break; // settled: the ARN is not in the list, or Bedrock did not answer
    }
  } finally {
    clearTimeout(timeout);
  }
}

/** A cancellable notification with the elapsed time, for surfaces that show no progress of their own. */
function showWholeAnswerWait(modelId: string, controller: AbortController, ended: AbortSignal): void {
  if (ended.aborted) return;
  void vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Llama', cancellable: true },
    (progress, token) => new Promise<void>((resolve) => {
      const started = Date.now();
      const tick = () => progress.report({ message: wholeAnswerLabel(modelId, Date.now() - started) });
      tick();
      const timer = setInterval(tick, 1000);
      const cancel = token.onCancellationRequested(() => controller.abort(new StopRequest('user')));
      const done = () => { clearInterval(timer); cancel.dispose(); resolve(); };
      ended.addEventListener('abort', done, { once: true });
    }),
  );
}

/** @param task what the request was for: the ledger keeps totals by task. */
function meter(services: Services, outcome: RequestOutcome, task: string): void {
  if (outcome.kind !== 'ok' && outcome.kind !== 'stopped' && outcome.kind !== 'failed' && outcome.kind !== 'blocked') return;
  const m = outcome.meter;
  if (!m) return;
  // A cached answer was not sent: it counts as money saved, never as spend.
  const cached = outcome.kind === 'ok' && outcome.cached === true;
  services.usage.record(cached
    ? { modelId: outcome.configModelId, usage: m.usage, costUsd: 0, cached: true, savedUsd: m.savedUsd ?? 0, task, at: new Date() }
    : { modelId: outcome.configModelId, usage: m.usage, costUsd: m.costUsd, estimated: m.estimated, task, at: new Date() });
  services.meter.setLastRequest({
    modelId: outcome.modelId,
    usage: m.usage,
    costUsd: m.costUsd,
    estimated: m.estimated,
    latency: outcome.kind === 'ok' ? outcome.latency : {},
    cached,
  });
  const settings = services.settings.current;
  if (settings.ok) services.budget.check(settings.config);
}
