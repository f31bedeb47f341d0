// The fault matrix: every way a request can go wrong (rows) on every surface that runs one
// (columns), in a real extension host against the local Bedrock server. Each cell checks
//   document  the document holds nothing, or one well-formed comment block over untouched code
//   chat      the turn's answer is the text the server sent before the fault, exactly once
//   meter     what Bedrock bills: an accepted request adds one request (estimated when it did not
//             run to its end) with input tokens > 0; a refused one adds nothing
//   request   how the request ended on the wire (e.g. the client disconnected when it was stopped)
//   actions   what the user is offered: the chat turn's actions, or whether the editor offers Retry
//   retry     Retry (or Continue) then completes: one whole block / the retried answer once, done
// and `after` prints the matrix as a Markdown table (run with BEDROCK_LLAMA_VERBOSE=1 to see it
// when every cell passes; the runner prints the extension host's console only on failure).
//
// failurePaths.test.ts covers single paths in more depth (undo, CSS comments, settings changes);
// this file is the breadth.
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import type { ErrorAction, Turn } from '../../src/core/chat/conversation';
import type { ExtensionApi } from '../../src/extension';
import { activate } from './support/extension';
import {
  chatBusyRequestId, chatIntent, readOnlyFile, refuseEditsTo, setSetting, sleep, until, useExpiredSso, within,
} from './support/faults';
import { chunkText, httpError, textResponse, useLocalBedrock, type RecordedRequest, type Script } from './support/localBedrock';

// ---------------------------------------------------------------------------------------
// The code every cell works on, and what the server says

const FIRST_LINE = 'function mean(values: number[]) {';
const CODE_BELOW = ['  const total = values.reduce((a, b) => a + b, 0);', '  return total / values.length;', '}', ''].join('\n');
const SOURCE = `${FIRST_LINE}\n${CODE_BELOW}`;
const QUESTION = 'What does it do?';

/** A first attempt that fails after 2 of its 4 chunks. */
const FAULTY = 'Returns the arithmetic mean of the values.';
const FAULTY_CHUNKS = chunkText(FAULTY, 4);
const BEFORE_FAULT = FAULTY_CHUNKS.slice(0, 2).join('');
/** A slow answer, for whatever happens while it streams (Stop, a closed document, …). */
const SLOW = `one ${'more '.repeat(30)}end`;
const SLOW_CHUNKS = chunkText(SLOW, 32);
const slow = (): Script => textResponse(SLOW, { chunks: 32, chunkDelayMs: 60 });
/** What Retry gets. */
const RETRIED = 'Averages the numbers in the array.';
/** A length stop, and what Continue gets. */
const CUT = 'Returns the arithmetic';
const CONTINUED = ' mean of the values.';

// ---------------------------------------------------------------------------------------
// The expected table. Actions are written out literally (not read from
// src/core/request/actions.ts), so a change to that table fails here unless it is meant.

type Surface = 'inline summary' | 'Explain' | 'chat message';
const SURFACES: Surface[] = ['inline summary', 'Explain', 'chat message'];

/** What reached the client before the fault. */
type Received =
  | { exactly: string }
  /** Whole chunks of the stream, at least `min` of them (a stop lands between chunks). */
  | { chunksOf: string[]; min: number };

interface Row {
  name: string;
  /** Only the inline summary edits a document; the rest do not apply to the chat. */
  editorOnly?: boolean;
  /** The server's answers to the first attempt (the SDK retries some failures itself). */
  first: () => Script[];
  received: Received;
  /** The summary's `(cut off: …)` marker after a failure that left text. */
  cutOff?: string;
  /** What goes on the meter: nothing (Bedrock refused it), an estimate, or Bedrock's own counts. */
  billed: 'nothing' | 'estimate' | 'bedrock';
  /** How the first attempt's requests ended on the wire. */
  wire: { count: number; outcome?: RecordedRequest['outcome'] };
  /** The chat turn after the first attempt. */
  chat?: { status: 'error'; actions: ErrorAction[] } | { status: 'stopped' | 'cut' };
  /** What the editor offers: Retry (continuations.retryLatest), Continue, or neither. */
  editorOffers: 'retry' | 'continue' | 'nothing';
  /** Before the first attempt starts (e.g. an expired login); returns the undo, run before Retry. */
  setup?: () => Promise<() => Promise<void>>;
  /** While the first attempt runs. */
  during?: (cell: CellContext) => Promise<void>;
  /** The document the summary goes into (default: an untitled TypeScript document). */
  document?: 'readOnlyFile';
  /** VS Code refuses every edit to the document (a test double, support/faults.ts refuseEditsTo). */
  refuseEdits?: true;
  /** The document is closed while the summary streams (it is then checked to stay closed). */
  closesDocument?: true;
}

const ROWS: Row[] = [
  {
    name: 'throttling',
    // Three ThrottlingExceptions: the SDK's three attempts all refused. The SDK waits a random
    // back-off between attempts (up to 1 s, then up to 2 s), which must not count as Bedrock's
    // silence under the 2 s idle timeout set below.
    first: () => [httpError('ThrottlingException'), httpError('ThrottlingException'), httpError('ThrottlingException')],
    received: { exactly: '' },
    billed: 'nothing',
    wire: { count: 3, outcome: 'completed' },
    chat: { status: 'error', actions: ['showLog'] },
    editorOffers: 'retry',
  },
  {
    name: 'access denied',
    first: () => [httpError('AccessDeniedException')],
    received: { exactly: '' },
    billed: 'nothing',
    wire: { count: 1, outcome: 'completed' },
    chat: { status: 'error', actions: ['selectModel', 'showLog'] },
    editorOffers: 'retry', // after Select Model…: the table offers Select Model…, Retry, Show Log
  },
  {
    name: 'expired SSO',
    first: () => [],
    received: { exactly: '' },
    billed: 'nothing',
    wire: { count: 0 },
    chat: { status: 'error', actions: ['signIn', 'openSettings', 'showLog'] },
    editorOffers: 'retry', // after Sign In (which also offers Retry once signed in)
    setup: async () => (await useExpiredSso()).restore,
  },
  {
    name: 'stall',
    first: () => [textResponse(FAULTY, { chunks: 4, fault: { type: 'stall', afterChunks: 2 } })],
    received: { exactly: BEFORE_FAULT },
    cutOff: 'the model stopped responding',
    billed: 'estimate',
    wire: { count: 1, outcome: 'clientDisconnected' },
    chat: { status: 'error', actions: ['openSettings', 'showLog'] },
    editorOffers: 'retry',
  },
  {
    name: 'mid-stream exception',
    first: () => [textResponse(FAULTY, { chunks: 4, fault: { type: 'exception', afterChunks: 2, exceptionType: 'modelStreamErrorException' } })],
    received: { exactly: BEFORE_FAULT },
    cutOff: 'the request failed',
    billed: 'estimate',
    wire: { count: 1, outcome: 'completed' },
    chat: { status: 'error', actions: ['showLog'] },
    editorOffers: 'retry',
  },
  {
    name: 'dropped connection',
    first: () => [textResponse(FAULTY, { chunks: 4, fault: { type: 'drop', afterChunks: 2 } })],
    received: { exactly: BEFORE_FAULT },
    cutOff: 'the connection was lost',
    billed: 'estimate',
    wire: { count: 1, outcome: 'dropped' },
    chat: { status: 'error', actions: ['openSettings', 'showLog'] },
    editorOffers: 'retry',
  },
  {
    name: 'Stop',
    first: () => [slow()],
    received: { chunksOf: SLOW_CHUNKS, min: 1 },
    billed: 'estimate',
    wire: { count: 1, outcome: 'clientDisconnected' },
    chat: { status: 'stopped' },
    editorOffers: 'nothing',
    // Stop Generating from the palette, the focus away from the editor: it stops the active
    // editor's summary, else the chat's answer.
    during: async (cell) => {
      await cell.firstText();
      await vscode.commands.executeCommand('workbench.action.focusSideBar');
      await vscode.commands.executeCommand('bedrockLlama.cancel');
    },
  },
  {
    name: 'Escape',
    first: () => [slow()],
    received: { chunksOf: SLOW_CHUNKS, min: 1 },
    billed: 'estimate',
    wire: { count: 1, outcome: 'clientDisconnected' },
    chat: { status: 'stopped' },
    editorOffers: 'nothing',
    during: async (cell) => {
      await cell.firstText();
      if (cell.surface === 'inline summary') {
        // Keys cannot be pressed in the extension host: Escape's keybinding runs
        // bedrockLlama.cancel with the editor focused (when the document streams a summary);
        // test/ui/editor.test.ts presses the key itself.
        await vscode.window.showTextDocument(cell.doc, { viewColumn: vscode.ViewColumn.One });
        await vscode.commands.executeCommand('workbench.action.focusActiveEditorGroup');
        assert.equal(vscode.window.activeTextEditor?.document, cell.doc, 'the summary\'s editor has the focus');
        await vscode.commands.executeCommand('bedrockLlama.cancel');
      } else {
        // In the chat, Escape is the webview's own Stop: the page posts `cancel` with the id of
        // the request it shows as busy. The same message is delivered here; the key press in
        // the chat's input is test/ui/chat.test.ts ("stops a streaming answer with Escape").
        const requestId = chatBusyRequestId(cell.api.chat);
        assert.ok(requestId, 'the chat says which request is busy');
        chatIntent(cell.api.chat, { type: 'cancel', requestId });
      }
    },
  },
  {
    name: 'tab switch',
    editorOnly: true, // the chat does not write into a document
    first: () => [slow()],
    received: { exactly: SLOW },
    billed: 'bedrock',
    wire: { count: 1, outcome: 'completed' },
    editorOffers: 'nothing',
    // Another document shown in the same editor group: the summary keeps streaming into its own.
    during: async (cell) => {
      await cell.firstText();
      const other = await vscode.workspace.openTextDocument({ language: 'typescript', content: 'const other = 1;\n' });
      cell.opened.push(other);
      cell.other = other;
      await vscode.window.showTextDocument(other, { viewColumn: vscode.ViewColumn.One });
    },
  },
  {
    name: 'document closed',
    editorOnly: true,
    closesDocument: true,
    first: () => [slow()],
    received: { chunksOf: SLOW_CHUNKS, min: 1 },
    billed: 'estimate',
    wire: { count: 1, outcome: 'clientDisconnected' },
    editorOffers: 'nothing',
    during: async (cell) => {
      await cell.firstText();
      await vscode.window.showTextDocument(cell.doc, { viewColumn: vscode.ViewColumn.One });
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    },
  },
  {
    name: 'refused edit (read-only file)',
    editorOnly: true,
    // A file under a folder matched by `files.readonlyInclude`. VS Code 1.100 resolves
    // TextEditor.edit on it with true and applies nothing (MainThreadTextEditor.applyEdits ignores
    // executeEdits' refusal), so no edit lands: expected, the summary stops as for any refusal.
    document: 'readOnlyFile',
    first: () => [slow()],
    received: { chunksOf: SLOW_CHUNKS, min: 0 },
    billed: 'estimate',
    wire: { count: 1, outcome: 'clientDisconnected' },
    editorOffers: 'nothing',
  },
  {
    name: 'refused edit (edit returns false)',
    editorOnly: true,
    // VS Code refusing every edit (resolving false), with a test double.
    refuseEdits: true,
    first: () => [slow()],
    received: { chunksOf: SLOW_CHUNKS, min: 0 },
    billed: 'estimate',
    wire: { count: 1, outcome: 'clientDisconnected' },
    editorOffers: 'nothing',
  },
  {
    name: 'length stop',
    first: () => [textResponse(CUT, { chunks: 3, stopReason: 'length' })],
    received: { exactly: CUT },
    billed: 'bedrock',
    wire: { count: 1, outcome: 'completed' },
    chat: { status: 'cut' },
    editorOffers: 'continue',
  },
];

// ---------------------------------------------------------------------------------------
// One cell

interface CellContext {
  api: ExtensionApi;
  surface: Surface;
  doc: vscode.TextDocument;
  /** Resolves once the first text of the answer arrived on the surface. */
  firstText(): Promise<void>;
  /** Documents to close afterwards. */
  opened: vscode.TextDocument[];
  /** The other document of a tab switch. */
  other?: vscode.TextDocument;
}

type CheckName = 'document' | 'chat' | 'meter' | 'request' | 'actions' | 'retry';
const CHECKS: CheckName[] = ['document', 'chat', 'meter', 'request', 'actions', 'retry'];

interface Check {
  ok: boolean;
  /** A short word for the table. */
  word: string;
  /** What was seen, when it is not what was expected. */
  detail?: string;
}

const pass = (word: string): Check => ({ ok: true, word });
const fail = (word: string, detail: string): Check => ({ ok: false, word, detail });
const skip = (word: string): Check => ({ ok: true, word });

const normalize = (s: string): string => s.replace(/\s+/g, ' ').trim();

/** Whether `text` is what the row says reached the client (`normalized`: compared with white space collapsed). */
function isReceived(text: string, received: Received, normalized: boolean): boolean {
  const same = (a: string, b: string) => (normalized ? normalize(a) === normalize(b) : a === b);
  if ('exactly' in received) return same(text, received.exactly);
  for (let k = received.min; k <= received.chunksOf.length; k++) if (same(text, received.chunksOf.slice(0, k).join(''))) return true;
  return false;
}

/** The summary block (the lines between the function's first line and the code below), or a reason it is not one. */
function readBlock(doc: vscode.TextDocument): { lines: string[] } | { broken: string } {
  const text = doc.getText();
  if (!text.startsWith(`${FIRST_LINE}\n`)) return { broken: 'the line above the block changed' };
  if (!text.endsWith(CODE_BELOW)) return { broken: 'the code below the block changed' };
  const middle = text.slice(FIRST_LINE.length + 1, text.length - CODE_BELOW.length);
  if (middle === '') return { lines: [] };
  if (!middle.endsWith('\n')) return { broken: 'the block does not end with a line break' };
  const lines = middle.slice(0, -1).split('\n');
  const bad = lines.find((l) => !/^ {2}\/\/( |$)/.test(l));
  return bad === undefined ? { lines } : { broken: `not a comment line: ${JSON.stringify(bad)}` };
}

/** The block's text: comment markers removed, lines joined. */
const blockText = (lines: string[]): string => normalize(lines.map((l) => l.replace(/^ {2}\/\/ ?/, '')).join(' '));

function checkBlock(doc: vscode.TextDocument, row: Row, failed: boolean): Check {
  const block = readBlock(doc);
  if ('broken' in block) return fail('broken', `${block.broken}:\n${doc.getText()}`);
  if (block.lines.length === 0) {
    return isReceived('', row.received, true) ? pass('nothing') : fail('empty', 'no block, but text had arrived');
  }
  let text = blockText(block.lines);
  const marker = row.cutOff && failed ? ` (cut off: ${row.cutOff})` : '';
  if (marker) {
    if (!text.endsWith(marker.trim())) return fail('no marker', `the block does not end with "${marker.trim()}": ${JSON.stringify(text)}`);
    text = text.slice(0, -marker.trim().length);
  } else if (/\(cut off:/.test(text)) {
    return fail('wrong marker', `unexpected cut-off marker: ${JSON.stringify(text)}`);
  }
  return isReceived(text, row.received, true) ? pass('one block') : fail('wrong text', `the block says ${JSON.stringify(text)}`);
}

function checkMeter(api: ExtensionApi, row: Row, turn?: Turn): Check {
  const t = api.services.usage.ledger.sessionTotals();
  const seen = `requests=${t.requests} estimated=${t.estimatedRequests} in=${t.inputTokens} out=${t.outputTokens}${turn ? ` turn.estimated=${String(turn.estimated)}` : ''}`;
  switch (row.billed) {
    case 'nothing':
      return t.requests === 0 && t.inputTokens === 0 && turn?.estimated === undefined ? pass('nothing') : fail('billed', `expected nothing: ${seen}`);
    case 'estimate':
      return t.requests === 1 && t.estimatedRequests === 1 && t.inputTokens > 0 && (!turn || turn.estimated === true)
        ? pass('1 estimated') : fail('wrong', `expected 1 estimated request with input tokens: ${seen}`);
    case 'bedrock':
      return t.requests === 1 && t.estimatedRequests === 0 && t.inputTokens > 0 && !turn?.estimated
        ? pass('1 counted') : fail('wrong', `expected 1 request with Bedrock's counts: ${seen}`);
  }
}

async function checkWire(requests: RecordedRequest[], row: Row, ended: (r: RecordedRequest) => Promise<RecordedRequest>): Promise<Check> {
  if (requests.length !== row.wire.count) return fail(`${requests.length} requests`, `expected ${row.wire.count} request(s) to reach the server, saw ${requests.length}`);
  if (row.wire.count === 0) return pass('none sent');
  const outcomes = await Promise.all(requests.map(async (r) => (await within(ended(r), 3000, r)).outcome));
  const word = (o: string) => (row.wire.count > 1 ? `${row.wire.count}× ${o}` : o);
  return outcomes.every((o) => o === row.wire.outcome)
    ? pass(word(row.wire.outcome ?? ''))
    : fail(word(outcomes.join('/')), `expected the request(s) to end ${row.wire.outcome}, saw ${outcomes.join(', ')}`);
}

// ---------------------------------------------------------------------------------------

describe('fault matrix', function () {
  this.timeout(60_000);
  const bedrock = useLocalBedrock();
  let api: ExtensionApi;
  const results: Array<{ row: string; surface: Surface; checks?: Record<CheckName, Check>; error?: string; na?: string }> = [];
  const saved: Record<string, unknown> = {};
  const SETTINGS: Record<string, unknown> = { modelId: 'meta.llama3-1-8b-instruct-v1:0', region: 'us-west-2', idleTimeoutSeconds: 2 };
  let opened: vscode.TextDocument[] = [];

  before(async () => {
    api = await activate();
    for (const [key, value] of Object.entries(SETTINGS)) {
      saved[key] = vscode.workspace.getConfiguration('bedrockLlama').inspect(key)?.globalValue;
      await setSetting('bedrockLlama', key, value);
    }
  });

  after(async () => {
    for (const key of Object.keys(SETTINGS)) await setSetting('bedrockLlama', key, saved[key]);
    console.log(matrixTable(results));
  });

  // Leaves the window as the next cell expects it; a failure here is logged, not thrown, so
  // one broken cell does not hide the rest of the matrix (mocha skips the rest after a failed hook).
  afterEach(async () => {
    const docs = opened;
    opened = [];
    try {
      await vscode.commands.executeCommand('bedrockLlama.cancel');
      await until('no request in flight', () => api.services.active.size === 0).catch(() => undefined);
      dropOffers();
      for (const doc of docs) {
        if (doc.isClosed) continue;
        await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One });
        await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
      }
      // The next cell's untitled document may get a closed one's name: until the extension host
      // has seen the close, openTextDocument can hand back the old document, summary and all.
      await until('the cell\'s documents to close', () => docs.every((d) => d.isClosed), 5_000);
      await vscode.commands.executeCommand('notifications.clearAll');
    } catch (err) {
      console.log(`fault matrix: cleaning up after a cell failed: ${String(err)}`);
    }
  });

  const idle = () => until('no request in flight', () => api.services.active.size === 0, 10_000);

  /** Drops any Retry or Continue offer left by an earlier cell, through the public API (a newer offer replaces it). */
  function dropOffers(): void {
    api.services.continuations.offerRetry(() => undefined, () => undefined);
    api.services.continuations.retryLatest();
    api.services.continuations.clear();
  }

  async function openSource(row: Row): Promise<{ editor: vscode.TextEditor; restore?: () => Promise<void> }> {
    let doc: vscode.TextDocument;
    let restore: (() => Promise<void>) | undefined;
    if (row.document === 'readOnlyFile') {
      const file = await readOnlyFile('mean.ts', SOURCE);
      restore = file.restore;
      doc = await vscode.workspace.openTextDocument(file.uri);
    } else {
      doc = await vscode.workspace.openTextDocument({ language: 'typescript', content: SOURCE });
      if (doc.getText() !== SOURCE) throw new Error(`a new untitled document came back with other text (${doc.uri.toString()}): ${JSON.stringify(doc.getText().slice(0, 200))}`);
    }
    opened.push(doc);
    const editor = await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One });
    editor.selection = new vscode.Selection(1, 0, 2, doc.lineAt(2).text.length);
    return { editor, restore };
  }

  // -------------------------------------------------------------------------------------
  // The inline summary

  async function summaryCell(row: Row): Promise<Record<CheckName, Check>> {
    const checks = {} as Record<CheckName, Check>;
    checks.chat = skip('—');
    dropOffers();
    await vscode.commands.executeCommand('bedrockLlama.resetUsage');
    const { editor, restore: restoreFile } = await openSource(row);
    const doc = editor.document;
    const cell: CellContext = {
      api, surface: 'inline summary', doc, opened,
      firstText: () => until('the summary\'s first text', () => doc.getText().includes('// one')),
    };
    let undoSetup = await row.setup?.();
    const restoreEdits = row.refuseEdits ? refuseEditsTo(doc) : undefined;
    try {
      bedrock().enqueue(...row.first());
      const running = vscode.commands.executeCommand('bedrockLlama.summarizeSelection');
      await row.during?.(cell);
      await running;
      await idle();
      await undoSetup?.();
      undoSetup = undefined;

      const firstRequests = bedrock().requests.slice();
      const failed = row.editorOffers === 'retry';
      if (row.closesDocument) {
        await sleep(300); // a late edit would reopen it
        const reopened = vscode.workspace.textDocuments.find((d) => d.uri.toString() === doc.uri.toString());
        checks.document = doc.isClosed && !reopened ? pass('closed') : fail('reopened', `the closed document is open again:\n${reopened?.getText() ?? doc.getText()}`);
      } else {
        checks.document = checkBlock(doc, row, failed);
        if (cell.other && cell.other.getText() !== 'const other = 1;\n') {
          checks.document = fail('other doc edited', `the document shown instead was edited:\n${cell.other.getText()}`);
        }
      }
      checks.meter = checkMeter(api, row);
      checks.request = await checkWire(firstRequests, row, (r) => bedrock().ended(r));

      // What is offered, then taking it. Scripts the first attempt left unused go first, so
      // Retry gets the retry's answer whatever the first attempt did.
      bedrock().reset();
      const expected = row.editorOffers === 'continue' ? CUT + CONTINUED : RETRIED;
      bedrock().enqueue(row.editorOffers === 'continue' ? textResponse(CONTINUED, { chunks: 3 }) : textResponse(RETRIED, { chunks: 5, chunkDelayMs: 5 }));
      let offered: boolean;
      if (row.editorOffers === 'continue') {
        offered = await api.services.continuations.runLatest(); // resolves when Continue has run
        checks.actions = offered ? pass('Continue') : fail('no Continue', 'Continue was not offered after a length stop');
      } else {
        offered = api.services.continuations.retryLatest();
        const wanted = row.editorOffers === 'retry';
        checks.actions = offered === wanted
          ? pass(wanted ? 'Retry' : 'no Retry')
          : fail(offered ? 'Retry held' : 'no Retry', offered
            ? 'continuations.retryLatest() returned true (and ran a Retry) where the action table offers no Retry'
            : 'continuations.retryLatest() returned false: Retry is not offered');
      }
      if (!offered) {
        checks.retry = skip('—');
      } else {
        await until('the retry to reach the server', () => bedrock().requests.length > 0).catch(() => undefined);
        await idle();
        if (row.editorOffers === 'nothing') {
          checks.retry = skip('(ran)');
        } else {
          try {
            await until('the retried block', () => {
              const b = readBlock(doc);
              return 'lines' in b && blockText(b.lines) === normalize(expected);
            });
            checks.retry = pass('one block');
          } catch {
            const b = readBlock(doc);
            checks.retry = fail('wrong', 'broken' in b ? `${b.broken}:\n${doc.getText()}` : `the block says ${JSON.stringify(blockText(b.lines))}, expected ${JSON.stringify(normalize(expected))}`);
          }
        }
      }
      return checks;
    } finally {
      restoreEdits?.();
      await undoSetup?.();
      if (restoreFile) {
        opened.splice(opened.indexOf(doc), 1);
        if (!doc.isClosed) {
          await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One });
          await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
        }
        await restoreFile();
      }
    }
  }

  // -------------------------------------------------------------------------------------
  // Explain and the chat message. There is no public way to send a chat message from the
  // extension host (the composer's `send` comes from the webview), so the chat-message column
  // uses Ask About Selection with its question argument: the same controller path
  // (startTurnFromEditor → begin → run → settle) with an `ask` task. Retry, Continue and the
  // webview's Stop have no public API either: they go in as the webview's messages (chatIntent).

  async function chatCell(row: Row, surface: Surface): Promise<Record<CheckName, Check>> {
    const checks = {} as Record<CheckName, Check>;
    const chat = api.chat;
    await vscode.commands.executeCommand('bedrockLlama.newChat');
    dropOffers();
    await vscode.commands.executeCommand('bedrockLlama.resetUsage');
    const { editor } = await openSource(row);
    const doc = editor.document;
    const turnNow = (): Turn | undefined => chat.activeConversation.turns.at(-1);
    const cell: CellContext = {
      api, surface, doc, opened,
      firstText: () => until('the chat\'s first text', () => (turnNow()?.answer ?? '') !== ''),
    };
    let undoSetup = await row.setup?.();
    try {
      bedrock().enqueue(...row.first());
      const running = surface === 'Explain'
        ? vscode.commands.executeCommand('bedrockLlama.explainSelection')
        : vscode.commands.executeCommand('bedrockLlama.askAboutSelection', QUESTION);
      await row.during?.(cell);
      await running;
      await idle();
      await undoSetup?.();
      undoSetup = undefined;

      const firstRequests = bedrock().requests.slice();
      const turns = chat.activeConversation.turns;
      const turn = turns.at(-1);
      if (!turn || turns.length !== 1) throw new Error(`expected one turn in the new conversation, saw ${turns.length}`);
      checks.document = doc.getText() === SOURCE ? pass('untouched') : fail('edited', doc.getText());
      checks.chat = isReceived(turn.answer, row.received, false)
        ? pass(turn.answer === '' ? 'empty' : 'once')
        : fail('wrong', `the answer is ${JSON.stringify(turn.answer)}`);
      checks.meter = checkMeter(api, row, turn);
      checks.request = await checkWire(firstRequests, row, (r) => bedrock().ended(r));

      const want = row.chat!;
      const seen = `status=${turn.status} actions=${JSON.stringify(turn.error?.actions)}`;
      if (want.status === 'error') {
        checks.actions = turn.status === 'error' && JSON.stringify(turn.error?.actions) === JSON.stringify(want.actions)
          ? pass(want.actions.join('+')) : fail('wrong', `expected error with ${JSON.stringify(want.actions)}: ${seen}`);
      } else {
        checks.actions = turn.status === want.status && turn.error === undefined ? pass(want.status) : fail('wrong', `expected ${want.status}: ${seen}`);
      }

      // Retry (its own button on every failed or stopped turn), or Continue after a length stop.
      const how = want.status === 'cut' ? 'continue' : 'retry';
      const expected = how === 'continue' ? CUT + CONTINUED : RETRIED;
      bedrock().reset(); // as for the summary: no script left over from the first attempt
      bedrock().enqueue(how === 'continue' ? textResponse(CONTINUED, { chunks: 3 }) : textResponse(RETRIED, { chunks: 5, chunkDelayMs: 5 }));
      const stub = chatIntent(chat, { type: how, requestId: `fault-${how}-${Date.now()}`, turnId: turn.id });
      try {
        await until(`the ${how} to end`, () => turn.status !== 'streaming' && api.services.active.size === 0 && bedrock().requests.length > 0);
        await idle();
        const once = chat.activeConversation.turns.length === 1;
        checks.retry = turn.answer === expected && turn.status === 'done' && once
          ? pass('done, once')
          : fail('wrong', `after ${how}: status=${turn.status} turns=${chat.activeConversation.turns.length} answer=${JSON.stringify(turn.answer)}`);
      } catch (err) {
        checks.retry = fail('did not run', `${String(err)}; the webview was told ${JSON.stringify(stub.posted)}`);
      }
      return checks;
    } finally {
      await undoSetup?.();
    }
  }

  // -------------------------------------------------------------------------------------

  for (const row of ROWS) {
    for (const surface of SURFACES) {
      if (row.editorOnly && surface !== 'inline summary') {
        results.push({ row: row.name, surface, na: 'n/a: editor only' });
        continue;
      }
      it(`${surface} × ${row.name}`, async () => {
        const result: (typeof results)[number] = { row: row.name, surface };
        results.push(result);
        try {
          result.checks = surface === 'inline summary' ? await summaryCell(row) : await chatCell(row, surface);
        } catch (err) {
          result.error = err instanceof Error ? err.message : String(err);
          throw err;
        }
        const failed = CHECKS.filter((c) => !result.checks![c].ok);
        assert.ok(failed.length === 0, failed.map((c) => `${c}: ${result.checks![c].detail ?? result.checks![c].word}`).join('\n'));
      });
    }
  }
});

/** The matrix as Markdown: one line per cell, a short word per check (✗ where it failed). */
function matrixTable(results: Array<{ row: string; surface: Surface; checks?: Record<CheckName, Check>; error?: string; na?: string }>): string {
  const order = (r: { row: string; surface: Surface }) => ROWS.findIndex((x) => x.name === r.row) * 10 + SURFACES.indexOf(r.surface);
  const lines = [
    '',
    'Fault matrix (✗: the check failed; —: nothing to check)',
    '',
    '| failure | surface | document | chat | meter | request | actions | retry |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const r of [...results].sort((a, b) => order(a) - order(b))) {
    let cells: string[];
    if (r.na) cells = [r.na, '', '', '', '', ''];
    else if (!r.checks) cells = [`error: ${(r.error ?? 'did not run').split('\n')[0].slice(0, 80)}`, '', '', '', '', ''];
    else cells = CHECKS.map((c) => `${r.checks![c].ok ? '' : '✗ '}${r.checks![c].word}`);
    lines.push(`| ${r.row} | ${r.surface} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}
