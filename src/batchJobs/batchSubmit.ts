// Before a Summarize Files… batch job is created: each file read as it is now (the same reading
// as on demand: open documents with unsaved changes, header syntax, read-only), its request built
// exactly as on demand (src/core/batch/batchItems.ts), and a hash of its text kept, so the result
// is only written into a file that has not changed since.
import type * as vscode from 'vscode';
import { batchItemsFor, type BatchFile, type BatchItems } from '../core/batch/batchItems';
import { textHash } from '../core/batch/trackedJob';
import type { LlamaConfig } from '../core/settingsSchema';
import { keptReason, type RunState } from '../core/summarizeFiles/progress';
import { readFileText } from '../summarizeFiles/fileText';

export interface PreparedBatch extends BatchItems {
  /** URI → hash of the text summarized. */
  hashes: Record<string, string>;
}

/**
 * Reads the run's pending files; files that cannot be summarized are marked skipped or failed in
 * `state` (with why). Undefined when cancelled.
 * @param config the routed configuration
 */
export async function prepareBatch(state: RunState, config: LlamaConfig, token?: vscode.CancellationToken): Promise<PreparedBatch | undefined> {
  const header = state.output.kind === 'header';
  const files: BatchFile[] = [];
  const hashes: Record<string, string> = {};
  for (const file of state.files) {
    if (file.status !== 'pending') continue;
    if (token?.isCancellationRequested) return undefined;
    const read = await readFileText(file.uri, header);
    if (read.kind !== 'text') {
      file.status = read.kind === 'skip' ? 'skipped' : 'failed';
      file.reason = keptReason(read.reason);
      continue;
    }
    hashes[file.uri] = textHash(read.body);
    files.push({ key: file.uri, path: file.path, languageId: read.doc?.languageId, text: read.body });
  }
  const built = batchItemsFor(config, files);
  for (const { key, message } of built.tooLong) {
    const file = state.files.find((f) => f.uri === key);
    if (file) {
      file.status = 'failed';
      file.reason = keptReason(message);
    }
    delete hashes[key];
  }
  return { ...built, hashes };
}
