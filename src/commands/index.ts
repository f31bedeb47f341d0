// Every editor command, one hop from its id to its code. Each factory gets the same
// CommandContext (services and the chat).
import type { ChatController } from '../chat/chatController';
import type { Services } from '../services';
import { clearApiKey, setApiKey } from './apiKey';
import { clearCache } from './clearCache';
import { showConnection } from './connectionInfo';
import type { CommandContext } from './context';
import { askAboutSelection, explainSelection } from './explainAndAsk';
import { cancel, continueGeneration } from './generationControl';
import { refreshModels } from './refreshModels';
import { selectModel } from './selectModel';
import { showBatchJobs } from './showBatchJobs';
import { showPrompt } from './showPrompt';
import { summarizeFiles } from './summarizeFiles';
import { summarizeSelection } from './summarizeSelection';
import { resetUsage, showUsage } from './usage';

type CommandFactory = (context: CommandContext) => (...args: never[]) => unknown;

const COMMANDS: Record<string, CommandFactory> = {
  'bedrockLlama.explainSelection': explainSelection,
  'bedrockLlama.summarizeSelection': summarizeSelection,
  'bedrockLlama.askAboutSelection': askAboutSelection,
  'bedrockLlama.cancel': cancel,
  'bedrockLlama.continueGeneration': continueGeneration,
  'bedrockLlama.selectModel': selectModel,
  'bedrockLlama.refreshModels': refreshModels,
  'bedrockLlama.showUsage': showUsage,
  'bedrockLlama.resetUsage': resetUsage,
  'bedrockLlama.setApiKey': setApiKey,
  'bedrockLlama.clearApiKey': clearApiKey,
  'bedrockLlama.showConnection': showConnection,
  'bedrockLlama.showPrompt': showPrompt,
  'bedrockLlama.clearCache': clearCache,
  'bedrockLlama.summarizeFiles': summarizeFiles,
  'bedrockLlama.showBatchJobs': showBatchJobs,
};

export type CommandHandlers = Record<string, (...args: unknown[]) => unknown>;

export function editorCommands(services: Services, chat: ChatController): CommandHandlers {
  const context: CommandContext = { services, chat };
  return Object.fromEntries(Object.entries(COMMANDS).map(([id, factory]) => [id, factory(context) as (...args: unknown[]) => unknown]));
}
