// Before a Summarize Files… run: each gathered file read once, to skip what should not be
// summarized (too large, binary, minified, generated, empty; read-only for headers) and to build
// the request the estimate is made from. The text is not kept: each file is read again when its
// turn comes, as it is then.
import * as vscode from 'vscode';
import type { RequestSpec } from '../core/request/runRequest';
import { withoutSummaryBlock } from '../core/summarizeFiles/header';
import { fileRequest } from '../core/summarizeFiles/plan';
import { skipByContent, skipByName, skipBySize, type SkipReason } from '../core/summarizeFiles/skipRules';
import { readOnlyReason, type GatheredSkip } from './gather';

export interface PreparedFile {
  uri: vscode.Uri;
  /** Workspace-relative, for messages and the report. */
  path: string;
  /** For the estimate. */
  spec: RequestSpec;
}

export interface Prepared {
  files: PreparedFile[];
  skipped: GatheredSkip[];
}

export async function prepareFiles(uris: readonly vscode.Uri[], output: 'header' | 'report', token?: vscode.CancellationToken): Promise<Prepared> {
  const files: PreparedFile[] = [];
  const skipped: GatheredSkip[] = [];
  for (const uri of uris) {
    if (token?.isCancellationRequested) break;
    const path = vscode.workspace.asRelativePath(uri, false);
    const skip = (reason: SkipReason) => skipped.push({ uri, reason });
    const byName = skipByName(path);
    if (byName) { skip(byName); continue; }
    const stat = await Promise.resolve(vscode.workspace.fs.stat(uri)).catch(() => undefined);
    if (!stat) { skip({ kind: 'notFound', reason: 'not found' }); continue; }
    const bySize = skipBySize(stat.size);
    if (bySize) { skip(bySize); continue; }
    const readOnly = output === 'header' ? await readOnlyReason(uri, stat) : undefined;
    if (readOnly) { skip({ kind: 'readOnly', reason: readOnly }); continue; }
    // An open document's text, unsaved changes included, is what will be summarized.
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    let bytes: Uint8Array;
    try {
      bytes = open ? new TextEncoder().encode(open.getText()) : await vscode.workspace.fs.readFile(uri);
    } catch (err) {
      skip({ kind: 'notFound', reason: `could not be read: ${err instanceof Error ? err.message : String(err)}` });
      continue;
    }
    // Our own summary block is not the file's: neither summarized nor taken for a generator's marker.
    const text = withoutSummaryBlock(open?.getText() ?? new TextDecoder().decode(bytes));
    const byContent = skipByContent(bytes, text);
    if (byContent) { skip(byContent); continue; }
    files.push({ uri, path, spec: fileRequest({ path, languageId: open?.languageId, text }) });
  }
  return { files, skipped };
}

