// The extension under test, as the tests see it: its id, its exported API and its manifest.
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../../src/extension';

export const EXTENSION_ID = 'bedrock-llama.bedrock-llama';

export interface Manifest {
  contributes: {
    commands: Array<{ command: string; title: string; category?: string }>;
    configuration?: { properties?: Record<string, unknown> };
  };
}

export function extension(): vscode.Extension<ExtensionApi> {
  const ext = vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID);
  if (!ext) throw new Error(`${EXTENSION_ID} is not installed in this extension host`);
  return ext;
}

/** Activates the extension (a no-op when it already is) and returns its API. */
export function activate(): Thenable<ExtensionApi> {
  return extension().activate();
}

/** package.json as VS Code loaded it (so it matches the running build). */
export function manifest(): Manifest {
  return extension().packageJSON as Manifest;
}
