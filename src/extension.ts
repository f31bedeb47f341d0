// Activation does as little as possible and returns at once: it shows the status bar meter
// and registers every command and the chat view as stubs. The rest (src/features.ts, a
// separate file) loads on the first command or chat view, or in the background a few
// seconds after activation together with the AWS SDK, so the first request is fast.
import * as vscode from 'vscode';
import { CHAT_PANEL_TYPE, CHAT_VIEW_ID } from './chat/chatIds';
import type { ChatController } from './chat/chatController';
import { loadFeaturesModule } from './featureLoader';
import { registerInVsCodeChat } from './lmChat/register';
import type { ActivationServices, Features } from './features';
import { bundleLoadMs } from './loadTime';
import { createLog } from './log';
import { readApplicationProfiles } from './models/applicationProfiles';
import { ApiKeyStore } from './requests/apiKeyStore';
import type { Services } from './services';
import { Settings } from './settings';
import { hasTrackedJobs, offerResume } from './summarizeFiles/resumeOffer';
import { StatusBarMeter } from './usage/statusBarMeter';
import { USAGE_PANEL_TYPE } from './usage/usageIds';
import { UsageStore } from './usage/usageStore';

/** Returned from activate() for tests and the benchmark. */
export interface ExtensionApi {
  /** True once the AWS SDK has been requested (activation must not load it). */
  sdkRequested(): boolean;
  /** True once dist/features.js has been loaded. */
  featuresLoaded(): boolean;
  /** Time activate() took, ms. */
  activationMs: number;
  /** Time evaluating the extension bundle took before that, ms (NaN outside the bundle). */
  loadMs: number;
  /** These load the features on first use. */
  readonly services: Services;
  readonly chat: ChatController;
  /** Llama in VS Code's chat: the provider and @llama's handler (they exist on every VS Code; registered only on 1.104+). */
  readonly lmChat: Features['lmChat'];
}

const WARM_DELAY_MS = 3000;

interface PackageJson { contributes: { commands: Array<{ command: string }> } }

export function activate(context: vscode.ExtensionContext): ExtensionApi {
  const started = performance.now();
  const log = createLog();
  const settings = new Settings((arn) => readApplicationProfiles(context.globalState)[arn]);
  const usage = new UsageStore(context.globalState);
  const meter = new StatusBarMeter(usage);
  const base: ActivationServices = { settings, usage, meter, log };
  // Read now: the secret-storage round trip (to the browser, in VS Code for the web) is then
  // over before the first request, which waits for it.
  const apiKey = new ApiKeyStore(context.secrets);
  context.subscriptions.push(log, settings, usage, meter, apiKey);

  let features: Features | undefined;
  const load = (): Features => {
    if (!features) {
      const t0 = performance.now();
      features = loadFeaturesModule().createFeatures(base, context, apiKey);
      context.subscriptions.push(features);
      log.info(`Loaded the commands and chat in ${(performance.now() - t0).toFixed(1)} ms`);
    }
    return features;
  };

  // Every command package.json declares, each loading the features on first use.
  const ids = (context.extension.packageJSON as PackageJson).contributes.commands.map((c) => c.command);
  for (const id of ids) {
    context.subscriptions.push(vscode.commands.registerCommand(id, (...args: unknown[]) => {
      const run = load().commands[id];
      if (!run) throw new Error(`${id} has no handler`);
      return run(...args);
    }));
  }
  context.subscriptions.push(
    vscode.window.registerWebviewViewProvider(CHAT_VIEW_ID, { resolveWebviewView: (view) => load().chat.resolveWebviewView(view) }),
    vscode.window.registerWebviewPanelSerializer(CHAT_PANEL_TYPE, { deserializeWebviewPanel: (panel) => load().chat.deserializeWebviewPanel(panel) }),
    vscode.window.registerWebviewPanelSerializer(USAGE_PANEL_TYPE, { deserializeWebviewPanel: (panel) => load().services.usageView.deserializeWebviewPanel(panel) }),
  );

  // Llama in VS Code's own chat, where VS Code has the API (1.104+): forwards only, nothing loads.
  context.subscriptions.push(...registerInVsCodeChat(load));

  // A Summarize Files… run a reload stopped: offered again (reads one value; loads nothing).
  offerResume(context.workspaceState);

  // Bedrock batch jobs a reload left running: followed again once the window has settled.
  const batchJobsKept = hasTrackedJobs(context.workspaceState);
  // Once the window has settled: the features, then the SDK, so the first request pays for neither.
  const warm = setTimeout(() => {
    void Promise.resolve()
      .then(() => { if (batchJobsKept) load().services.batchJobs.resume(); })
      .then(() => load().warmSdk())
      .catch((err: unknown) => log.warn(`Warm-up failed: ${String(err)}`));
  }, WARM_DELAY_MS);
  context.subscriptions.push({ dispose: () => clearTimeout(warm) });

  const activationMs = performance.now() - started;
  log.info(`Activated in ${activationMs.toFixed(1)} ms`);
  return {
    sdkRequested: () => features?.sdkRequested() ?? false,
    featuresLoaded: () => features !== undefined,
    activationMs,
    loadMs: bundleLoadMs(),
    get services() { return load().services; },
    get chat() { return load().chat; },
    get lmChat() { return load().lmChat; },
  };
}

export function deactivate(): void {}
