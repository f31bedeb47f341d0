// Reads a language's comment syntax from the language configuration file of the
// extension that contributes it (VS Code has no API for it), cached per language.
import * as vscode from 'vscode';
import { parse } from 'jsonc-parser';

export interface LanguageComments {
  lineComment?: string;
  blockComment?: [string, string];
}

const cache = new Map<string, Promise<LanguageComments | undefined>>();

export function languageComments(languageId: string): Promise<LanguageComments | undefined> {
  let pending = cache.get(languageId);
  if (!pending) {
    pending = read(languageId).catch(() => undefined);
    cache.set(languageId, pending);
  }
  return pending;
}

async function read(languageId: string): Promise<LanguageComments | undefined> {
  for (const ext of vscode.extensions.all) {
    const languages = (ext.packageJSON?.contributes?.languages ?? []) as { id?: string; configuration?: string }[];
    const lang = languages.find((l) => l.id === languageId && typeof l.configuration === 'string');
    if (!lang?.configuration) continue;
    const bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(ext.extensionUri, lang.configuration));
    const config = parse(new TextDecoder().decode(bytes)) as { comments?: { lineComment?: unknown; blockComment?: unknown } } | undefined;
    const line = config?.comments?.lineComment;
    const block = config?.comments?.blockComment;
    return {
      // Newer configurations may give `{ comment: "//" }` instead of a string.
      lineComment: typeof line === 'string' ? line : typeof (line as { comment?: unknown })?.comment === 'string' ? (line as { comment: string }).comment : undefined,
      blockComment: Array.isArray(block) && block.length === 2 ? [String(block[0]), String(block[1])] : undefined,
    };
  }
  return undefined;
}
