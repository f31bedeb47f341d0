// The language-model suite's runner inside the extension host (code-server >= 4.104, i.e.
// VS Code >= 1.104, started by scripts/vscode/run-lm.ts). It is the integration suite's runner:
// every compiled `*.test.js` next to this file (out/test/lm/), mocha with forbidOnly and
// forbidPending, 20 s per test, one suite time limit, the JSON report at
// `BEDROCK_LLAMA_TEST_RESULTS` (+ `.console.log`), and a rejection on any failure or when no
// test ran. esbuild bundles that module into out/test/lm/index.js, where its `__dirname` is
// out/test/lm, so it loads this suite's files.
export { run } from '../integration/index';
export type { SuiteResults, TestResult } from '../integration/index';
