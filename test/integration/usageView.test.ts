// Show Token Usage and Cost in a real extension host: the command opens one panel (a second
// call reveals it), its page loads and says `ready` and gets the report built from the ledger,
// a request's usage reaches the open view, Export writes CSV and JSON that match the ledger,
// and a write that fails says where and why. The view's own page is checked in test/ui/usageView.test.ts.
import { strict as assert } from 'node:assert';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { toCsv } from '../../src/core/usageExport';
import { buildUsageReport, type UsageReport } from '../../src/core/usageReport';
import type { ExtensionApi } from '../../src/extension';
import type { ToWebview } from '../../src/shared/usageProtocol';
import { activate } from './support/extension';
import { textResponse, useLocalBedrock } from './support/localBedrock';
import { setSetting, until } from './support/settings';

const MODEL = 'meta.llama3-1-8b-instruct-v1:0';
const SOURCE = 'function add(a: number, b: number) {\n  return a + b;\n}\n';

describe('usage view', function () {
  this.timeout(30_000);
  const bedrock = useLocalBedrock();
  let api: ExtensionApi;
  let dir: string;

  /** The next message the extension posts to the view that passes `check`. */
  function nextPost<T extends ToWebview>(check: (m: ToWebview) => m is T, timeoutMs = 15_000): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { sub.dispose(); reject(new Error('the usage view was not sent the message in time')); }, timeoutMs);
      const sub = api.services.usageView.onDidPost((m) => {
        if (!check(m)) return;
        clearTimeout(timer);
        sub.dispose();
        resolve(m);
      });
    });
  }
  const isReport = (m: ToWebview): m is Extract<ToWebview, { type: 'report' }> => m.type === 'report';

  /** What the view would be sent for the ledger as it is now, as it crosses postMessage. */
  function expected(at: string): UsageReport {
    return JSON.parse(JSON.stringify(buildUsageReport(api.services.usage.ledger, new Date(at)))) as UsageReport;
  }

  function usageTabs(): vscode.Tab[] {
    return vscode.window.tabGroups.all.flatMap((g) => g.tabs)
      .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('bedrockLlama.usagePanel'));
  }

  before(async () => {
    api = await activate();
    await setSetting('modelId', MODEL);
    await setSetting('region', 'us-west-2');
    await setSetting('pricing', { [MODEL]: { input: 1, output: 1 } });
    dir = await mkdtemp(join(tmpdir(), 'llama-usage-'));
  });
  afterEach(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));
  after(async () => {
    for (const key of ['modelId', 'region', 'pricing']) await setSetting(key, undefined);
    await rm(dir, { recursive: true, force: true });
  });

  it('opens one panel, whose page gets the report when it is ready; a second call reveals it, and the page asks again', async () => {
    const first = nextPost(isReport);
    await vscode.commands.executeCommand('bedrockLlama.showUsage');
    const { report } = await first; // the page loaded and said `ready`
    assert.deepEqual(report, expected(report.generatedAt));
    assert.equal(report.days.length, 30);
    // Hidden behind another editor, its page is unloaded; revealed, it loads, says `ready` again and gets the report.
    await vscode.commands.executeCommand('workbench.action.files.newUntitledFile');
    const again = nextPost(isReport);
    await vscode.commands.executeCommand('bedrockLlama.showUsage');
    await until('the usage view to be revealed', () => usageTabs()[0]?.isActive === true);
    assert.deepEqual((await again).report.summary, report.summary);
    assert.equal(usageTabs().length, 1);
    assert.ok(api.services.usageView.isOpen);
  });

  it('sends the new figures while it is open, as a request is metered', async () => {
    const opened = nextPost(isReport);
    await vscode.commands.executeCommand('bedrockLlama.showUsage');
    const before = (await opened).report;

    bedrock().enqueue(textResponse('Adds two numbers.', { chunks: 2, metrics: { inputTokenCount: 1200, outputTokenCount: 300 } }));
    const updated = nextPost((m): m is Extract<ToWebview, { type: 'report' }> => isReport(m) && m.report.summary.session.requests > before.summary.session.requests);
    const doc = await vscode.workspace.openTextDocument({ language: 'typescript', content: SOURCE });
    const editor = await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside });
    editor.selection = new vscode.Selection(1, 0, 1, 14);
    await vscode.commands.executeCommand('bedrockLlama.summarizeSelection');
    const { report } = await updated;

    assert.deepEqual(report, expected(report.generatedAt));
    const today = report.days.at(-1)!;
    assert.equal(today.totals.inputTokens - before.days.at(-1)!.totals.inputTokens, 1200);
    assert.equal(today.models[MODEL].outputTokens - (before.days.at(-1)!.models[MODEL]?.outputTokens ?? 0), 300);
    assert.ok(today.tasks.summarize.requests >= 1);
    assert.ok(Math.abs(report.summary.session.costUsd - before.summary.session.costUsd - 0.0015) < 1e-9, '$1 per 1M tokens');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('exports CSV and JSON that match the ledger, and tells the view', async () => {
    const opened = nextPost(isReport);
    await vscode.commands.executeCommand('bedrockLlama.showUsage');
    await opened;
    const csvFile = vscode.Uri.file(join(dir, 'usage.csv'));
    const told = nextPost((m): m is Extract<ToWebview, { type: 'exported' }> => m.type === 'exported');
    const csv = await api.services.usageView.export('csv', csvFile);
    assert.deepEqual(await told, { type: 'exported', ok: true, message: `Exported the usage to ${csvFile.fsPath}` });
    assert.equal(csv?.ok, true);
    const written = await readFile(csvFile.fsPath, 'utf8');
    assert.equal(written, toCsv(buildUsageReport(api.services.usage.ledger, new Date(), 'all')));
    assert.match(written, /^date,breakdown,id,name,requests,input_tokens,output_tokens,cost_usd,/);
    assert.match(written, new RegExp(`\\r\\n\\d{4}-\\d{2}-\\d{2},model,${MODEL.replace(/[.]/g, '\\.')},Llama 3\\.1 8B Instruct,`));

    const jsonFile = vscode.Uri.file(join(dir, 'usage.json'));
    assert.equal((await api.services.usageView.export('json', jsonFile))?.ok, true);
    const { format, generatedAt, ...json } = JSON.parse(await readFile(jsonFile.fsPath, 'utf8')) as UsageReport & { format: string; version: number };
    assert.equal(format, 'bedrock-llama-usage');
    const { generatedAt: _g, ...now } = JSON.parse(JSON.stringify(buildUsageReport(api.services.usage.ledger, new Date(generatedAt), 'all'))) as UsageReport;
    assert.deepEqual(json, { version: 1, ...now });
  });

  it('says where and why when the file cannot be written', async () => {
    const opened = nextPost(isReport);
    await vscode.commands.executeCommand('bedrockLlama.showUsage');
    await opened;
    const blocker = join(dir, 'not-a-folder');
    await writeFile(blocker, 'a file where a folder should be');
    const target = vscode.Uri.file(join(blocker, 'usage.csv'));
    const told = nextPost((m): m is Extract<ToWebview, { type: 'exported' }> => m.type === 'exported');
    const result = await api.services.usageView.export('csv', target);
    assert.equal(result?.ok, false);
    assert.match(result?.message ?? '', new RegExp(`^Could not export the usage to ${target.fsPath.replace(/[.\\/]/g, '\\$&')}: \\S`));
    assert.deepEqual(await told, { type: 'exported', ok: false, message: result?.message });
    assert.match(result?.message ?? '', /not a directory/, 'why, in the file system\'s words');
  });
});
