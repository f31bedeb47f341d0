// The records of a Summarize Files… batch job: for each file, the very body an on-demand request
// would send (the same fileRequest, prompt builder and parameters, the model routing chose), and
// what the answered records cost at batch prices.
import { buildPrompt, PromptTooLongError } from '../prompt';
import { promptInputFor } from '../request/draftEstimate';
import { requestBody } from '../request/runRequest';
import type { LlamaConfig } from '../settingsSchema';
import { fileRequest } from '../summarizeFiles/plan';
import { costUsd } from '../pricing';
import type { TokenUsage } from '../types';
import { batchPriceFor } from './batchPrices';
import type { BatchItem } from './batchRecords';

export interface BatchFile {
  /** What the result maps back to (the file's URI). */
  key: string;
  path: string;
  languageId?: string;
  /** The text to summarize (our own summary block already taken out). */
  text: string;
}

export interface BatchItems {
  items: BatchItem[];
  /** Files whose prompt cannot fit the model's window even cut down. */
  tooLong: Array<{ key: string; message: string }>;
}

/** @param config the routed configuration (the model that will answer) */
export function batchItemsFor(config: LlamaConfig, files: readonly BatchFile[]): BatchItems {
  const items: BatchItem[] = [];
  const tooLong: BatchItems['tooLong'] = [];
  for (const file of files) {
    try {
      const built = buildPrompt(promptInputFor(config, fileRequest(file).prompt));
      items.push({ key: file.key, body: requestBody(config, built.prompt) });
    } catch (err) {
      if (!(err instanceof PromptTooLongError)) throw err;
      tooLong.push({ key: file.key, message: err.message });
    }
  }
  return { items, tooLong };
}

/** What Bedrock bills for the answered records: batch prices; undefined when the model has none. */
export function batchCost(config: Pick<LlamaConfig, 'model' | 'pricing' | 'region'>, usage: TokenUsage): { costUsd: number | undefined; source?: string } {
  const price = batchPriceFor(config.model, config.pricing, { region: config.region });
  return price ? { costUsd: costUsd(usage, price.price), source: price.source } : { costUsd: undefined };
}
