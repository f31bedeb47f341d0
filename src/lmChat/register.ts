// At activation, where VS Code has the Language Model Chat Provider API (1.104+): the provider
// and the @llama participant are registered as thin forwards, so VS Code knows them at once,
// while their code (dist/features.js) loads only when VS Code first asks for models or an
// answer. On older VS Code nothing is registered and nothing is said.
import * as vscode from 'vscode';
import type { Features } from '../features';
import { providerApi, type LanguageModelChatInformation, type LanguageModelChatProvider } from './lmApi';
import { LM_VENDOR, PARTICIPANT_ID } from './lmIds';

/** VS Code lists a vendor's models (and shows them in the chat view's picker) once told they changed. */
const ANNOUNCE_DELAY_MS = 3000;

export function registerInVsCodeChat(load: () => Features): vscode.Disposable[] {
  const register = providerApi(vscode);
  if (!register) return [];
  const changed = new vscode.EventEmitter<void>();
  let forwarding: vscode.Disposable | undefined;
  const provider = () => {
    const lm = load().lmChat.provider;
    forwarding ??= lm.onDidChangeLanguageModelChatInformation(() => changed.fire());
    return lm;
  };
  type Model = LanguageModelChatInformation & Parameters<ReturnType<typeof provider>['provideTokenCount']>[0];
  const forward: LanguageModelChatProvider<Model> = {
    onDidChangeLanguageModelChatInformation: changed.event,
    provideLanguageModelChatInformation: (options) => provider().provideLanguageModelChatInformation(options),
    provideLanguageModelChatResponse: (model, messages, options, progress, token) => provider().provideLanguageModelChatResponse(model, messages, options, progress, token),
    provideTokenCount: (model, text) => provider().provideTokenCount(model, text),
  };
  const participant = vscode.chat.createChatParticipant(PARTICIPANT_ID, (request, context, stream, token) => load().lmChat.participant.handler(request, context, stream, token));
  participant.iconPath = new vscode.ThemeIcon('sparkle');
  participant.followupProvider = {
    provideFollowups: (result, context, token) => load().lmChat.participant.followups.provideFollowups(result, context, token),
  };
  // Once the window has settled (when the features load anyway): the models, for the chat view's picker.
  const announce = setTimeout(() => changed.fire(), ANNOUNCE_DELAY_MS);
  return [register(LM_VENDOR, forward as LanguageModelChatProvider), participant, changed, { dispose: () => { clearTimeout(announce); forwarding?.dispose(); } }];
}
