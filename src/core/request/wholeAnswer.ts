// The words for waiting on a model that does not stream (InvokeModel): the same in the
// chat, the editor's progress notification and the tests.
export function wholeAnswerLabel(modelId: string, elapsedMs: number): string {
  const who = /llama4/i.test(modelId) ? 'Llama 4' : modelId;
  return `${who} answers all at once · ${Math.max(0, Math.floor(elapsedMs / 1000))} s`;
}
