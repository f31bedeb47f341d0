// Summarize Files… in a real extension host against the local Bedrock server: 30 files on
// demand while Bedrock throttles some requests (the concurrency halves, then climbs back to
// the setting), one header comment per file and one undo step each, a second run replacing
// the comments instead of stacking them, a file with unsaved changes edited and not saved,
// the Markdown report (untitled, and to a named file with relative links), the skipped files
// with their reasons, and Cancel halfway then Resume finishing only the rest.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SummarizeFilesOptions, SummarizeFilesResult } from '../../src/commands/summarizeFiles';
import { SUMMARY_BEGIN, SUMMARY_END } from '../../src/core/summarizeFiles/header';
import type { ExtensionApi } from '../../src/extension';
import { activate } from './support/extension';
import { setSetting, until } from './support/settings';
import { httpError, textResponse, useLocalBedrock } from './support/localBedrock';

const MODEL = 'meta.llama3-1-8b-instruct-v1:0';
const KEYS = ['modelId', 'region', 'batch.concurrency'];

function root(): string {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (!folder) throw new Error('the integration workspace has no folder');
  return folder;
}

/** A fresh folder in the workspace with these files (name → content). */
function folderWith(name: string, files: Record<string, string | Uint8Array>): { dir: string; uri: vscode.Uri; file(name: string): string } {
  const dir = path.join(root(), name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), content);
  }
  return { dir, uri: vscode.Uri.file(dir), file: (f) => path.join(dir, f) };
}

function summarize(uris: vscode.Uri[], options: SummarizeFilesOptions): Thenable<SummarizeFilesResult | undefined> {
  return vscode.commands.executeCommand<SummarizeFilesResult | undefined>('bedrockLlama.summarizeFiles', uris[0], uris, { confirm: false, previousRun: 'discard', ...options });
}

const blocks = (text: string) => text.split(SUMMARY_BEGIN).length - 1;

describe('Summarize Files…', function () {
  this.timeout(60_000);
  const bedrock = useLocalBedrock();
  let api: ExtensionApi;
  let previousAutoSave: unknown;
  const made: string[] = [];

  before(async () => {
    api = await activate();
    await setSetting('modelId', MODEL);
    await setSetting('region', 'us-west-2');
    await setSetting('batch.concurrency', 4);
    // VS Code for the web saves edits after a second by default: a file with unsaved changes must stay so here.
    previousAutoSave = vscode.workspace.getConfiguration('files').inspect('autoSave')?.globalValue;
    await vscode.workspace.getConfiguration('files').update('autoSave', 'off', vscode.ConfigurationTarget.Global);
    await until('the settings to reach the extension', () => {
      const s = api.services.settings.current;
      return s.ok && s.config.modelId === MODEL && s.config.batchConcurrency === 4;
    });
  });
  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await until('no request in flight', () => api.services.active.size === 0);
  });
  after(async () => {
    for (const key of KEYS) await setSetting(key, undefined);
    await vscode.workspace.getConfiguration('files').update('autoSave', previousAutoSave, vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration('files').update('exclude', undefined, vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration('files').update('readonlyInclude', undefined, vscode.ConfigurationTarget.Global);
    for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
  });

  const thirty = () => {
    const files: Record<string, string> = {};
    for (let i = 1; i <= 30; i++) files[`f${String(i).padStart(2, '0')}.ts`] = `export function f${i}(x: number): number {\n  return x * ${i};\n}\n`;
    const folder = folderWith('sf-thirty', files);
    made.push(folder.dir);
    return folder;
  };
  let folder: ReturnType<typeof thirty>;

  it('30 files while Bedrock throttles: the concurrency halves, then climbs back; one header comment each', async () => {
    folder = thirty();
    let n = 0;
    // The second wave (requests 5–8) is throttled once each; the SDK retries them after backing off.
    bedrock().setHandler(() => {
      n++;
      return n >= 5 && n <= 8 ? httpError('ThrottlingException') : textResponse(`Multiplies x by a constant (answer ${n}).`, { chunks: 2, chunkDelayMs: 20 });
    });
    const result = await summarize([folder.uri], { output: 'header' });
    assert.ok(result, 'the command ran');
    assert.equal(result.ended, 'finished', result.message);
    assert.deepEqual([result.done, result.failed, result.skipped, result.left], [30, 0, 0, 0], result.message);
    const steps = result.concurrency.map((c) => `${c.reason}:${c.limit}`);
    assert.equal(steps[0], 'start:4');
    assert.ok(steps.includes('throttled:2'), `halved on throttling: ${steps.join(' ')}`);
    const down = steps.indexOf('throttled:2');
    assert.ok(steps.slice(down).includes('recovered:4'), `back up to the setting after: ${steps.join(' ')}`);
    assert.equal(result.peak, 4);
    for (let i = 1; i <= 30; i++) {
      const text = fs.readFileSync(folder.file(`f${String(i).padStart(2, '0')}.ts`), 'utf8');
      assert.equal(blocks(text), 1, `one header in f${i}`);
      assert.match(text, new RegExp(`^// ${SUMMARY_BEGIN} .*\\n// Multiplies x by a constant \\(answer \\d+\\)\\.\\n// ${SUMMARY_END}\\n\\nexport function f${i}\\(`));
    }
    // Each file went as the attachment of a summarize prompt, routed and booked as the batch task.
    const prompts = bedrock().requests.map((r) => (r.body as { prompt?: string }).prompt ?? '');
    assert.ok(prompts.some((p) => p.includes('File: sf-thirty/f07.ts') && p.includes('return x * 7;')));
    assert.ok((api.services.usage.ledger.taskTotals().batch?.requests ?? 0) >= 30, 'booked under the batch task');
  });

  it('one undo step per file takes its header out', async () => {
    for (const name of ['f03.ts', 'f17.ts']) {
      const doc = await vscode.workspace.openTextDocument(folder.file(name));
      await vscode.window.showTextDocument(doc);
      assert.equal(blocks(doc.getText()), 1);
      await vscode.commands.executeCommand('undo');
      const n = Number(name.slice(1, 3));
      assert.equal(doc.getText(), `export function f${n}(x: number): number {\n  return x * ${n};\n}\n`, `${name}: one undo gives the original text`);
      await vscode.commands.executeCommand('redo');
      assert.equal(blocks(doc.getText()), 1);
      await doc.save();
    }
  });

  it('a second run replaces each header, never stacks; a file with unsaved changes is edited, not saved', async () => {
    const dirty = await vscode.workspace.openTextDocument(folder.file('f05.ts'));
    await vscode.window.showTextDocument(dirty);
    const edit = new vscode.WorkspaceEdit();
    edit.insert(dirty.uri, dirty.positionAt(dirty.getText().length), '// my unsaved note\n');
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.ok(dirty.isDirty);
    bedrock().setHandler(() => textResponse('Second summary.', { chunks: 1 }));
    const result = await summarize([folder.uri], { output: 'header' });
    assert.equal(result?.done, 30, result?.message);
    for (let i = 1; i <= 30; i++) {
      if (i === 5) continue;
      const text = fs.readFileSync(folder.file(`f${String(i).padStart(2, '0')}.ts`), 'utf8');
      assert.equal(blocks(text), 1, `still one header in f${i}`);
      assert.ok(text.includes('// Second summary.') && !text.includes('Multiplies'), `f${i} has the new summary only`);
    }
    assert.ok(dirty.isDirty, 'not saved behind the user\'s back');
    assert.equal(blocks(dirty.getText()), 1);
    assert.ok(dirty.getText().includes('// Second summary.') && dirty.getText().endsWith('// my unsaved note\n'), 'the header went in beside the unsaved change');
    assert.ok(!fs.readFileSync(folder.file('f05.ts'), 'utf8').includes('my unsaved note'), 'nothing unsaved reached the disk');
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it('report mode: a Markdown document with a section per file, untitled or in a file with relative links', async () => {
    const small = folderWith('sf-report', { 'a.ts': 'export const a = 1;\n', 'b.py': 'print("b")\n', 'docs/c.md': '# C\n\nText.\n' });
    made.push(small.dir);
    bedrock().setHandler(() => textResponse('Does one <b>small</b> thing.', { chunks: 1 }));
    const untitled = await summarize([small.uri], { output: 'report' });
    assert.equal(untitled?.done, 3, untitled?.message);
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === untitled?.reportUri);
    assert.ok(doc && doc.isUntitled && doc.languageId === 'markdown');
    const sections = doc.getText().split('\n').filter((l) => l.startsWith('## '));
    assert.equal(sections.length, 3, doc.getText());
    assert.ok(sections.every((s) => /^## \[sf\\-report\/.+\]\(<file:\/\/\/.+>\)$/.test(s)), sections.join('\n'));
    assert.ok(doc.getText().includes('Does one \\<b\\>small\\</b\\> thing.'), 'the model\'s HTML is text');
    assert.equal(blocks(fs.readFileSync(small.file('a.ts'), 'utf8')), 0, 'the files themselves are not touched');

    const target = vscode.Uri.file(path.join(small.dir, 'out', 'summaries.md'));
    const named = await summarize([small.uri], { output: 'report', reportUri: target });
    assert.equal(named?.reportUri, target.toString());
    const written = fs.readFileSync(target.fsPath, 'utf8');
    assert.ok(written.includes('## [sf\\-report/a.ts](<../a.ts>)') && written.includes('(<../docs/c.md>)'), written);
  });

  it('lists skipped files with why: binary, minified, generated, git-ignored, excluded by files.exclude, read-only, no comment syntax', async () => {
    const skip = folderWith('sf-skip', {
      'good.ts': 'export const good = true;\n',
      'image.png': new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
      'bundle.js': `var a=1;${'b=2;'.repeat(2000)}\n`,
      'api.ts': '// Code generated by protoc. DO NOT EDIT.\nexport const api = 1;\n',
      '.gitignore': '*.log\nbuild/\n',
      'debug.log': 'a log line\n',
      'build/out.ts': 'export const out = 1;\n',
      'notes.tmp': 'temporary\n',
      'data.json': '{ "a": 1 }\n',
      'package-lock.json': '{}\n',
      'locked.ts': 'export const locked = 1;\n',
    });
    made.push(skip.dir);
    const exclude = vscode.workspace.getConfiguration('files').get<Record<string, boolean>>('exclude') ?? {};
    await vscode.workspace.getConfiguration('files').update('exclude', { ...exclude, '**/*.tmp': true }, vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration('files').update('readonlyInclude', { '**/sf-skip/locked.ts': true }, vscode.ConfigurationTarget.Global);
    bedrock().setHandler(() => textResponse('Summary.', { chunks: 1 }));
    const tmp = vscode.Uri.file(skip.file('notes.tmp'));
    const result = await summarize([skip.uri, tmp], { output: 'header' });
    assert.ok(result);
    const why = Object.fromEntries(result.files.filter((f) => f.status === 'skipped').map((f) => [path.basename(f.path), f.reason]));
    assert.deepEqual(Object.keys(why).sort(), ['api.ts', 'bundle.js', 'data.json', 'debug.log', 'image.png', 'locked.ts', 'notes.tmp', 'out.ts', 'package-lock.json'], JSON.stringify(why));
    assert.equal(why['image.png'], 'binary (NUL bytes)');
    assert.match(why['bundle.js']!, /^minified \(a line of [\d,]+ characters\)$/);
    assert.equal(why['api.ts'], 'generated (marked "DO NOT EDIT" near the top)');
    assert.match(why['debug.log']!, /^ignored by sf-skip\/\.gitignore \(\*\.log\)$/);
    assert.match(why['out.ts']!, /^ignored by sf-skip\/\.gitignore \(build\/\)$/);
    assert.equal(why['notes.tmp'], 'excluded by files.exclude');
    assert.equal(why['package-lock.json'], 'generated: a lock file');
    assert.equal(why['locked.ts'], 'read-only (files.readonlyInclude)');
    assert.match(why['data.json']!, /^json files have no comment syntax/);
    // .gitignore has `#` comments: it gets its header like any file.
    assert.deepEqual(result.files.filter((f) => f.status === 'done').map((f) => path.basename(f.path)).sort(), ['.gitignore', 'good.ts']);
    assert.match(result.message, /^Llama: summarized 2 of 2 files · 9 skipped · /);
    assert.equal(blocks(fs.readFileSync(skip.file('bundle.js'), 'utf8')), 0, 'a skipped file is left alone');
  });

  it('Cancel halfway keeps the progress; running it again resumes and summarizes only the rest', async () => {
    await setSetting('batch.concurrency', 2);
    await until('the concurrency setting', () => { const s = api.services.settings.current; return s.ok && s.config.batchConcurrency === 2; });
    const files: Record<string, string> = {};
    for (let i = 1; i <= 12; i++) files[`r${String(i).padStart(2, '0')}.py`] = `def r${i}():\n    return ${i}\n`;
    const slow = folderWith('sf-resume', files);
    made.push(slow.dir);
    bedrock().setHandler(() => textResponse('Returns a number.', { chunks: 3, chunkDelayMs: 60 }));
    const headers = () => Object.keys(files).filter((f) => blocks(fs.readFileSync(slow.file(f), 'utf8')) === 1).length;
    const cancel = new AbortController();
    const first = summarize([slow.uri], { output: 'header', signal: cancel.signal });
    await until('four files summarized', () => headers() >= 4, 15_000);
    cancel.abort();
    const stopped = await first;
    assert.equal(stopped?.ended, 'stopped', stopped?.message);
    assert.ok(stopped.left > 0 && stopped.done >= 4, stopped.message);
    const doneBefore = stopped.done;
    await until('the stopped requests to end', () => api.services.active.size === 0);

    const sentBefore = bedrock().requests.length;
    // As after a reload: no selection, the kept run resumed (what Resume in the offer runs).
    const resumed = await vscode.commands.executeCommand<SummarizeFilesResult | undefined>('bedrockLlama.summarizeFiles', { previousRun: 'resume' });
    assert.equal(resumed?.ended, 'finished', resumed?.message);
    assert.equal(resumed.done, 12);
    assert.equal(bedrock().requests.length - sentBefore, 12 - doneBefore, 'only the files left were sent');
    assert.equal(headers(), 12);
    for (const f of Object.keys(files)) assert.equal(blocks(fs.readFileSync(slow.file(f), 'utf8')), 1, f);
    // Nothing is kept once the run finished.
    const again = await vscode.commands.executeCommand<SummarizeFilesResult | undefined>('bedrockLlama.summarizeFiles', { previousRun: 'resume' });
    assert.equal(again, undefined);
    await setSetting('batch.concurrency', 4);
  });
});
