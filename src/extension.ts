// Activation wires the pieces together and returns at once: nothing here loads the AWS
// SDK; it is warmed in the background after activation so the first request is fast.
import type * as vscode from 'vscode';
import { registerChatCommands } from './chat/chatCommands';
import { ChatController } from './chat/chatController';
import { registerCommands } from './commands';
import { isSdkRequested, loadSdk } from './core/bedrock/sdkLoader';
import { bundleLoadMs } from './loadTime';
import { createLog } from './log';
import { ActiveRequests } from './requests/activeRequests';
import { ClientProvider } from './requests/clientProvider';
import { readNetworkSettings } from './requests/networkSettings';
import { Continuations } from './requests/continuations';
import type { Services } from './services';
import { Settings } from './settings';
import { BudgetWarning } from './usage/budgetWarning';
import { StatusBarMeter } from './usage/statusBarMeter';
import { UsageStore } from './usage/usageStore';

/** Returned from activate() for tests and the benchmark. */
export interface ExtensionApi {
  /** True once the AWS SDK has been requested (activation must not load it). */
  sdkRequested(): boolean;
  /** Time activate() took, ms. */
  activationMs: number;
  /** Time evaluating the extension bundle took before that, ms (NaN outside the bundle). */
  loadMs: number;
  services: Services;
  chat: ChatController;
}

const SDK_WARM_DELAY_MS = 3000;

export function activate(context: vscode.ExtensionContext): ExtensionApi {
  const started = performance.now();
  const log = createLog();
  const settings = new Settings();
  const usage = new UsageStore(context.globalState);
  const meter = new StatusBarMeter(usage);
  const clients = new ClientProvider({ secrets: context.secrets, globalState: context.globalState, network: readNetworkSettings });
  const active = new ActiveRequests();
  const continuations = new Continuations();
  const services: Services = { settings, clients, usage, meter, budget: new BudgetWarning(usage), active, continuations, log };
  context.subscriptions.push(log, settings, usage, meter, clients, active, continuations, ...registerCommands(services));
  const chat = new ChatController(services, context);
  context.subscriptions.push(chat, ...registerChatCommands(chat));

  const sdkAtActivation = isSdkRequested();
  // Warm the SDK once the window has settled, so the first request does not pay for loading it.
  const warm = setTimeout(() => void loadSdk().catch((err: unknown) => log.warn(`AWS SDK warm-up failed: ${String(err)}`)), SDK_WARM_DELAY_MS);
  context.subscriptions.push({ dispose: () => clearTimeout(warm) });

  const activationMs = performance.now() - started;
  log.info(`Activated in ${activationMs.toFixed(1)} ms (AWS SDK loaded at activation: ${sdkAtActivation})`);
  return { sdkRequested: isSdkRequested, activationMs, loadMs: bundleLoadMs(), services, chat };
}

export function deactivate(): void {}
