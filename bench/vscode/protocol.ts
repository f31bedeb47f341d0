// What the bench process asks of the extension-host payload, and what it gets back.

/** The clock both the payload and the server process report in: epoch ms, sub-ms precision. */
export const epochNow = (): number => performance.timeOrigin + performance.now();

export interface EditorPlan {
  /** Tokens of the streamed answer (one token per chunk). */
  tokens: number;
  /** Stream rates to measure, chunks (= tokens) per second. */
  rates: number[];
  /** Runs per rate of the extension, and of the naive baseline (~20 ms an edit in code-server: ~40 s a run); they alternate. */
  runs: number;
  baselineRuns: number;
}

/** Time to first character of a real request vs a cache hit of the identical request (bench/vscode/cacheTtft.ts). */
export interface CachePlan {
  /** Measured pairs (a real request and a hit each, order alternating), after `warmup` pairs. */
  pairs: number;
  warmup: number;
  /** Chunks of the answer (one token each); the server sends the first after this many ms. */
  tokens: number;
  firstByteMs: number;
}

export interface PayloadPlan {
  tasks: Array<'coldStart' | 'editor' | 'cache'>;
  resultsFile: string;
  editor: EditorPlan;
  cache?: CachePlan;
}

export interface ColdStartResult {
  /** The extension's own timings: evaluating dist/extension.js, then its activate() body. */
  loadMs: number;
  activateBodyMs: number;
  /** The extension's files in the module cache after activation, e.g. `dist/extension.js`. */
  extensionFilesLoaded: string[];
  sdkLoadedAtActivation: boolean;
  /** dist/features.js (commands, chat, client) is loaded on first use, not at activation. */
  featuresLoadedAtActivation: boolean;
  /** Command → request body at the server, ms: the first request after activation (SDK load included), then a warm one. */
  firstRequestMs: number;
  warmRequestMs: number;
  /** False when the SDK was already loaded before the first request (the measurement is then not cold). */
  firstRequestCold: boolean;
}

export interface StreamRun {
  /** Document change events for the answer: one per applied edit. */
  edits: number;
  /** First chunk sent → last document change, ms. */
  streamMs: number;
  /** Last chunk sent by the server → the document holds the full text, ms. */
  lagMs: number;
  /** One undo restored the document. */
  undoOneStep: boolean;
}

export interface EditorResult {
  tokens: number;
  /** One small edit in isolation, editor.edit() → its document change event, ms: the floor for any lag. */
  editRoundTripMs: number[];
  /** Keyed by rate (chunks/s). */
  extension: Record<string, StreamRun[]>;
  naive: Record<string, StreamRun[]>;
}

export interface CacheResult {
  /** Command → first character of the answer in the document, ms: requests that went to the server. */
  realMs: number[];
  /** The same for the identical request answered from the response cache. */
  hitMs: number[];
  /** One small edit alone, editor.edit() → its change event, ms: the floor under both. */
  editRoundTripMs: number[];
}

export interface PayloadResult {
  vscodeVersion: string;
  coldStart?: ColdStartResult;
  editor?: EditorResult;
  cache?: CacheResult;
  error?: string;
}
