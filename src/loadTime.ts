// How long evaluating dist/extension.js took: the build brackets the bundle with two
// timestamps (scripts/build.mjs banner/footer). NaN when not running from that bundle.
declare const __bedrockLlamaLoad: [number, number] | undefined;

export function bundleLoadMs(): number {
  if (typeof __bedrockLlamaLoad === 'undefined') return NaN;
  const [start, end] = __bedrockLlamaLoad;
  return end > 0 ? end - start : NaN;
}
