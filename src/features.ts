// Everything behind the commands and the chat: the Bedrock client, the request flow, the
// editor streaming and the chat controller. The build emits it as dist/features.js, which
// activation does not evaluate (see src/featureLoader.ts): it is loaded by the first
// command or chat view, or in the background a few seconds after activation.
import type * as vscode from 'vscode';
import { chatCommands } from './chat/chatCommands';
import { ChatController } from './chat/chatController';
import { editorCommands, type CommandHandlers } from './commands';
import { isSdkRequested, loadSdk } from './core/bedrock/sdkLoader';
import { BatchJobs } from './batchJobs/batchJobs';
import { ActiveRequests } from './requests/activeRequests';
import type { ApiKeyStore } from './requests/apiKeyStore';
import { ClientProvider } from './requests/clientProvider';
import { Continuations } from './requests/continuations';
import { ModelDirectoryService } from './models/modelDirectoryService';
import { LastPrompt } from './requests/lastPrompt';
import { RequestNotes } from './requests/requestNotes';
import { ResponseCacheService } from './requests/responseCache';
import { StreamingMemory } from './requests/streamingKnowledge';
import { SessionTierMemory } from './requests/tierMemory';
import { warnAboutIgnoredWorkspaceSettings } from './requests/ignoredSettingsWarning';
import { readNetworkSettings } from './requests/networkSettings';
import type { Services } from './services';
import { FileRuns } from './summarizeFiles/runner';
import { BudgetGuard } from './usage/budgetGuard';
import { LlamaChatProvider } from './lmChat/chatProvider';
import { llamaParticipant, type LlamaParticipant } from './lmChat/participant';
import { UsagePanel } from './usage/usageView';

/** What activation creates itself: the settings, the usage store and meter, the log. */
export type ActivationServices = Pick<Services, 'settings' | 'usage' | 'meter' | 'log'>;

export interface Features extends vscode.Disposable {
  services: Services;
  chat: ChatController;
  /** Every command's handler, by id. */
  commands: CommandHandlers;
  /** Llama in VS Code's chat (1.104+): the language model provider and @llama's behaviour. */
  lmChat: { provider: LlamaChatProvider; participant: LlamaParticipant };
  /** Loads the AWS SDK ahead of the first request. */
  warmSdk(): Promise<void>;
  sdkRequested(): boolean;
}

/** @param apiKey created at activation, so the secret-storage read is done before the first request needs it */
export function createFeatures(base: ActivationServices, context: vscode.ExtensionContext, apiKey: ApiKeyStore): Features {
  const clients = new ClientProvider({ apiKey, globalState: context.globalState, network: readNetworkSettings });
  const active = new ActiveRequests();
  const continuations = new Continuations();
  const lastPrompt = new LastPrompt();
  const models = new ModelDirectoryService({ settings: base.settings, apiKey, globalState: context.globalState, log: base.log, network: readNetworkSettings });
  // Both take the services lazily: they are part of them.
  const fileRuns = new FileRuns(() => services, context.workspaceState);
  const batchJobs = new BatchJobs(() => services, fileRuns, context.workspaceState, context.globalStorageUri);
  const services: Services = {
    ...base, fileRuns, batchJobs, clients, models, budget: new BudgetGuard(base.usage, context.globalState), active, continuations,
    lastPrompt, streaming: new StreamingMemory(context.globalState), notes: new RequestNotes(base.log), tiers: new SessionTierMemory(),
    responseCache: new ResponseCacheService(context.globalStorageUri, base.log),
    usageView: new UsagePanel(context.extensionUri, base.usage, base.log),
    workspaceState: context.workspaceState,
  };
  // What discovery learns reaches the settings (the model behind an application profile ARN)
  // and the streaming decision; until then the catalog decides.
  let known = models.state.discovery;
  const learned = models.onDidChange(() => {
    const { discovery } = models.state;
    if (discovery === known) return; // busy/idle changes: nothing new was learned
    known = discovery;
    base.settings.setModelLookup(models.underlying);
    services.streaming.setDiscovery(models.streamingSupported);
  });
  services.responseCache.settingsChanged(base.settings.current);
  const cacheSettings = base.settings.onDidChange((snapshot) => services.responseCache.settingsChanged(snapshot));
  const chat = new ChatController(services, context);
  const lmChat = { provider: new LlamaChatProvider(services), participant: llamaParticipant(services, chat) };
  const owned: vscode.Disposable[] = [lmChat.provider, lmChat.participant, batchJobs, cacheSettings, learned, models, clients, active, continuations, chat, lastPrompt, services.usageView, warnAboutIgnoredWorkspaceSettings(base.settings, base.log)];
  return {
    services,
    chat,
    lmChat,
    commands: { ...editorCommands(services, chat), ...chatCommands(chat) },
    warmSdk: () => loadSdk().then(() => undefined),
    sdkRequested: isSdkRequested,
    dispose: () => { for (const d of owned) d.dispose(); },
  };
}
