// Every editor command, one hop from its id to its code.
import type { Services } from '../services';
import { clearApiKey, setApiKey } from './apiKey';
import { showConnection } from './connectionInfo';
import { askAboutSelection, explainSelection } from './explainAndAsk';
import { cancel, continueGeneration } from './generationControl';
import { selectModel } from './selectModel';
import { summarizeSelection } from './summarizeSelection';
import { resetUsage, showUsage } from './usage';

type CommandFactory = (services: Services) => (...args: unknown[]) => unknown;

const COMMANDS: Record<string, CommandFactory> = {
  'bedrockLlama.explainSelection': explainSelection,
  'bedrockLlama.summarizeSelection': summarizeSelection,
  'bedrockLlama.askAboutSelection': askAboutSelection,
  'bedrockLlama.cancel': cancel,
  'bedrockLlama.continueGeneration': continueGeneration,
  'bedrockLlama.selectModel': selectModel,
  'bedrockLlama.showUsage': showUsage,
  'bedrockLlama.resetUsage': resetUsage,
  'bedrockLlama.setApiKey': setApiKey,
  'bedrockLlama.clearApiKey': clearApiKey,
  'bedrockLlama.showConnection': showConnection,
};

export type CommandHandlers = Record<string, (...args: unknown[]) => unknown>;

export function editorCommands(services: Services): CommandHandlers {
  return Object.fromEntries(Object.entries(COMMANDS).map(([id, factory]) => [id, factory(services)]));
}
