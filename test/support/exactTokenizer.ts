// The real Llama 3 tokenizer (llama3-tokenizer-js, a devDependency) as a counter of content
// tokens: no BOS/EOS, written-out control tokens count as one, `<|image|>` as text. Used by
// the tests, the benchmark and scripts/measure-tokenizer.ts to check the shipped estimator
// (src/core/tokenCount.ts); the extension itself never loads it. Loaded on first call and
// cached; a failed load is retried on the next call.

let exact: Promise<(text: string) => number> | undefined;

export function loadExactTokenizer(): Promise<(text: string) => number> {
  exact ??= import('llama3-tokenizer-js').then(
    (mod) => {
      const tokenizer = mod.default;
      return (text: string) => tokenizer.encode(text, { bos: false, eos: false }).length;
    },
    (err: unknown) => {
      exact = undefined;
      throw err;
    },
  );
  return exact;
}
