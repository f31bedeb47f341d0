// What test/lm tests share: the extension under test, the consumer test extension
// (test/lm-consumer, another extension using language models through `vscode.lm`), and the
// Language Model Chat Provider API, which @types/vscode 1.100 does not describe yet.
import { setTimeout as sleep } from 'node:timers/promises';
import * as vscode from 'vscode';
import type { LmConsumerApi } from '../../lm-consumer/src/extension';

export { EXTENSION_ID, activate, extension, manifest } from '../../integration/support/extension';
export * from '../../integration/support/localBedrock';
export { setSetting, until } from '../../integration/support/settings';
/** test/lm-consumer/package.json's publisher.name. */
export const LM_CONSUMER_ID = 'bedrock-llama-test.lm-consumer';
export type { ChatTurn, LmConsumerApi, MessagePart, ModelInfo, ResponsePart, SendOptions, SendResult } from '../../lm-consumer/src/extension';

/** `vscode.version` >= `minimum` (both "major.minor[.patch]"; a "-insider" suffix is ignored). */
export function versionAtLeast(version: string, minimum: string): boolean {
  const parse = (v: string): number[] => v.split('-')[0].split('.').map((n) => Number(n) || 0);
  const [a, b] = [parse(version), parse(minimum)];
  for (let i = 0; i < 3; i++) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  }
  return true;
}

/** `vscode.lm` with the members stable since 1.104 (absent from @types/vscode 1.100). */
export interface LmNamespace1104 {
  registerLanguageModelChatProvider?: (vendor: string, provider: unknown) => vscode.Disposable;
}

export function lm1104(): typeof vscode.lm & LmNamespace1104 {
  return vscode.lm as typeof vscode.lm & LmNamespace1104;
}

export function consumerExtension(): vscode.Extension<LmConsumerApi> {
  const ext = vscode.extensions.getExtension<LmConsumerApi>(LM_CONSUMER_ID);
  if (!ext) throw new Error(`${LM_CONSUMER_ID} is not loaded (run-lm.ts passes out/test/lm-consumer as an extensionDevelopmentPath)`);
  return ext;
}

/** The consumer's API once it has activated by itself (onStartupFinished); never activates it. */
export async function consumer(timeoutMs = 15_000): Promise<LmConsumerApi> {
  const ext = consumerExtension();
  const deadline = Date.now() + timeoutMs;
  while (!ext.isActive) {
    if (Date.now() > deadline) throw new Error(`${LM_CONSUMER_ID} did not activate (onStartupFinished) within ${timeoutMs} ms`);
    await sleep(100);
  }
  return ext.exports;
}
