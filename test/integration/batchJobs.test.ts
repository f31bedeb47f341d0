// Summarize Files… as a Bedrock batch job in a real extension host: the local Bedrock server's
// batch control plane reading and writing a real S3-compatible server (s3rver) started here,
// the extension's S3 client pointed at it through AWS_ENDPOINT_URL_S3. A job of 120 files end to
// end (records uploaded, job created, followed, results written as header comments, one undo
// step each, metered once at batch prices), a file edited while the job ran left alone, a record
// Bedrock failed listed for Retry Failed, a set below Bedrock's minimum run on demand, a job that
// fails with a message naming the setting to fix, and Stop.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SummarizeFilesOptions, SummarizeFilesResult } from '../../src/commands/summarizeFiles';
import { batchPriceFor } from '../../src/core/batch/batchPrices';
import { SUMMARY_BEGIN } from '../../src/core/summarizeFiles/header';
import type { ExtensionApi } from '../../src/extension';
import { S3TestServer } from '../server/s3Server';
import { TEST_BATCH_ROLE_ARN, TEST_BATCH_ROLE_NO_S3_ARN } from '../server/batchJobs';
import { activate } from './support/extension';
import { setSetting, until } from './support/settings';
import { useLocalBedrock } from './support/localBedrock';

const MODEL = 'meta.llama3-1-8b-instruct-v1:0';
const BUCKET = 'llama-batch-it';
const KEYS = ['modelId', 'region', 'batch.mode', 'batch.s3Uri', 'batch.roleArn', 'batch.concurrency'];

function root(): string {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (!folder) throw new Error('the integration workspace has no folder');
  return folder;
}

function makeFiles(name: string, count: number): { dir: string; uri: vscode.Uri; file(i: number): string; original(i: number): string } {
  const dir = path.join(root(), name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const original = (i: number) => `export function g${i}(x: number): number {\n  return x + ${i};\n}\n`;
  const file = (i: number) => path.join(dir, `g${String(i).padStart(3, '0')}.ts`);
  for (let i = 1; i <= count; i++) fs.writeFileSync(file(i), original(i));
  return { dir, uri: vscode.Uri.file(dir), file, original };
}

function summarize(uri: vscode.Uri, options: SummarizeFilesOptions): Thenable<SummarizeFilesResult | undefined> {
  return vscode.commands.executeCommand<SummarizeFilesResult | undefined>('bedrockLlama.summarizeFiles', uri, [uri], { confirm: false, previousRun: 'discard', ...options });
}

const blocks = (text: string) => text.split(SUMMARY_BEGIN).length - 1;

describe('Summarize Files… as a Bedrock batch job', function () {
  this.timeout(90_000);
  const bedrock = useLocalBedrock();
  let s3: S3TestServer;
  let api: ExtensionApi;
  let previousEndpoint: string | undefined;
  let previousAutoSave: unknown;
  const made: string[] = [];

  before(async () => {
    s3 = new S3TestServer({ buckets: [BUCKET] });
    await s3.start();
    previousEndpoint = process.env.AWS_ENDPOINT_URL_S3;
    process.env.AWS_ENDPOINT_URL_S3 = s3.url;
    api = await activate();
    previousAutoSave = vscode.workspace.getConfiguration('files').inspect('autoSave')?.globalValue;
    await vscode.workspace.getConfiguration('files').update('autoSave', 'off', vscode.ConfigurationTarget.Global);
    await setSetting('modelId', MODEL);
    await setSetting('region', 'us-west-2');
    await setSetting('batch.mode', 'bedrockBatch');
    await setSetting('batch.s3Uri', `s3://${BUCKET}/jobs/`);
    await setSetting('batch.roleArn', TEST_BATCH_ROLE_ARN);
    await until('the settings to reach the extension', () => {
      const s = api.services.settings.current;
      return s.ok && s.config.batchMode === 'bedrockBatch' && s.config.batchRoleArn === TEST_BATCH_ROLE_ARN;
    });
  });
  beforeEach(() => {
    bedrock().batchJobs.connectS3(s3.url);
    Object.assign(bedrock().batchJobs.data, { validatingMs: 300, inProgressMs: 2500, stoppingMs: 300 });
  });
  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const job of api.services.batchJobs.store.list()) await api.services.batchJobs.whenSettled(job.job.jobArn);
    await bedrock().batchJobs.settled();
  });
  after(async () => {
    for (const key of KEYS) await setSetting(key, undefined);
    await vscode.workspace.getConfiguration('files').update('autoSave', previousAutoSave, vscode.ConfigurationTarget.Global);
    if (previousEndpoint === undefined) delete process.env.AWS_ENDPOINT_URL_S3;
    else process.env.AWS_ENDPOINT_URL_S3 = previousEndpoint;
    for (const job of api.services.batchJobs.store.list()) await api.services.batchJobs.forget(job.job.jobArn);
    for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
    await s3.stop();
  });

  const newestJob = () => api.services.batchJobs.store.list()[0];

  it('120 files end to end: one job, the headers written when it ends, one undo each, metered once at batch prices', async () => {
    const files = makeFiles('bj-main', 120);
    made.push(files.dir);
    const before = api.services.batchJobs.store.list().length;
    const batchBefore = api.services.usage.ledger.taskTotals().batch;
    const onDemandBefore = bedrock().requests.length;

    const result = await summarize(files.uri, { output: 'header' });
    assert.equal(result, undefined, 'a batch job answers later, not in the command');
    assert.equal(api.services.batchJobs.store.list().length, before + 1, 'one job kept');
    const tracked = newestJob();
    assert.equal(tracked.phase, 'running');
    assert.equal(Object.keys(tracked.job.records).length, 120);
    assert.equal(tracked.job.roleArn, TEST_BATCH_ROLE_ARN);
    // The records went to S3 as the on-demand request would have sent them.
    const input = await s3.getText(BUCKET, tracked.job.inputKey);
    const lines = input.trim().split('\n').map((l) => JSON.parse(l) as { recordId: string; modelInput: { prompt: string; max_gen_len: number } });
    assert.equal(lines.length, 120);
    const seven = lines.find((l) => tracked.job.records[l.recordId].endsWith('/g007.ts'));
    assert.ok(seven?.modelInput.prompt.includes('File: bj-main/g007.ts') && seven.modelInput.prompt.includes('return x + 7;'), 'the file is the attachment of a summarize prompt');

    // While it runs: a file is edited (its result must not overwrite it), and Bedrock will fail one record.
    fs.writeFileSync(files.file(9), `${files.original(9)}// edited meanwhile\n`);
    const failing = Object.entries(tracked.job.records).find(([, uri]) => uri.endsWith('/g011.ts'))?.[0];
    assert.ok(failing);
    bedrock().batchJobs.data.answers[failing] = { error: { errorCode: 400, errorMessage: 'Malformed input request: scripted failure' } };

    await api.services.batchJobs.whenSettled(tracked.job.jobArn);
    const done = api.services.batchJobs.store.get(tracked.job.jobArn);
    assert.ok(done);
    assert.equal(done.phase, 'applied', done.failure);
    assert.equal(bedrock().requests.length, onDemandBefore, 'nothing went on demand');
    const statuses = Object.fromEntries(done.run.files.map((f) => [path.basename(vscode.Uri.parse(f.uri).fsPath), f]));
    assert.equal(done.run.files.filter((f) => f.status === 'done').length, 118);
    assert.equal(statuses['g009.ts'].status, 'failed');
    assert.match(statuses['g009.ts'].reason ?? '', /changed after the batch job was submitted/);
    assert.equal(statuses['g011.ts'].status, 'failed');
    assert.match(statuses['g011.ts'].reason ?? '', /scripted failure/);
    for (const i of [1, 50, 120]) {
      const text = fs.readFileSync(files.file(i), 'utf8');
      assert.equal(blocks(text), 1, `one header in g${i}`);
      assert.ok(text.endsWith(files.original(i)), 'the file itself untouched below it');
    }
    assert.equal(fs.readFileSync(files.file(9), 'utf8'), `${files.original(9)}// edited meanwhile\n`, 'the edited file left as it was');
    assert.equal(blocks(fs.readFileSync(files.file(11), 'utf8')), 0);

    // One undo step per file.
    const doc = await vscode.workspace.openTextDocument(files.file(42));
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('undo');
    assert.equal(doc.getText(), files.original(42), 'one undo takes the header out');
    await vscode.commands.executeCommand('redo');

    // Metered once, under the batch task, at half the on-demand price of Bedrock's counts.
    const after = api.services.usage.ledger.taskTotals().batch;
    const tokensIn = (after?.inputTokens ?? 0) - (batchBefore?.inputTokens ?? 0);
    const tokensOut = (after?.outputTokens ?? 0) - (batchBefore?.outputTokens ?? 0);
    assert.ok(tokensIn > 0 && tokensOut > 0, 'the job\'s tokens are on the meter');
    const price = batchPriceFor(MODEL);
    assert.ok(price);
    const expected = (tokensIn * price.price.input + tokensOut * price.price.output) / 1e6;
    assert.ok(Math.abs(((after?.costUsd ?? 0) - (batchBefore?.costUsd ?? 0)) - expected) < 1e-9, 'priced at batch prices');
    assert.ok(Math.abs((done.meteredUsd ?? -1) - expected) < 1e-9);
    assert.equal(price.ratio, 0.5);
  });

  it('Retry Failed runs the job\'s failed files on demand', async () => {
    const tracked = newestJob();
    api.services.batchJobs.retryFailed(tracked.job.jobArn);
    await until('the retry run to start', () => api.services.fileRuns.busy, 5000);
    await until('the retry run to end', () => !api.services.fileRuns.busy, 30_000);
    const prompts = bedrock().requests.map((r) => (r.body as { prompt?: string }).prompt ?? '');
    assert.equal(prompts.length, 2, 'the two failed files, and only those');
    assert.ok(prompts.some((p) => p.includes('bj-main/g009.ts')) && prompts.some((p) => p.includes('bj-main/g011.ts')));
  });

  it('fewer files than Bedrock\'s minimum go on demand, without a job', async () => {
    const files = makeFiles('bj-few', 5);
    made.push(files.dir);
    const jobs = api.services.batchJobs.store.list().length;
    const result = await summarize(files.uri, { output: 'report' });
    assert.ok(result);
    assert.equal(result.done, 5, result.message);
    assert.equal(api.services.batchJobs.store.list().length, jobs, 'no job');
    assert.equal(bedrock().requests.length, 5);
  });

  it('a job Bedrock fails: kept as failed, with a message naming the setting to change', async () => {
    await setSetting('batch.roleArn', TEST_BATCH_ROLE_NO_S3_ARN);
    await until('the role to reach the extension', () => {
      const s = api.services.settings.current;
      return s.ok && s.config.batchRoleArn === TEST_BATCH_ROLE_NO_S3_ARN;
    });
    try {
      const files = makeFiles('bj-fail', 100);
      made.push(files.dir);
      await summarize(files.uri, { output: 'header' });
      const tracked = newestJob();
      assert.equal(tracked.job.roleArn, TEST_BATCH_ROLE_NO_S3_ARN);
      await api.services.batchJobs.whenSettled(tracked.job.jobArn);
      const failed = api.services.batchJobs.store.get(tracked.job.jobArn);
      assert.equal(failed?.phase, 'failed');
      assert.match(failed?.failure ?? '', /bedrockLlama\.batch\.roleArn/);
      assert.match(failed?.failure ?? '', /s3:GetObject/);
      assert.equal(blocks(fs.readFileSync(files.file(1), 'utf8')), 0, 'nothing written');
    } finally {
      await setSetting('batch.roleArn', TEST_BATCH_ROLE_ARN);
    }
  });

  it('another window writing the results: this one writes and meters nothing, then sees them done', async () => {
    const files = makeFiles('bj-other', 100);
    made.push(files.dir);
    const batchBefore = api.services.usage.ledger.taskTotals().batch?.requests ?? 0;
    await summarize(files.uri, { output: 'header' });
    const tracked = newestJob();
    // The other window took the claim (the claim directory with its id) before this one got to it.
    const claim = path.join(api.services.batchJobs.claimsFolder.fsPath, 'batch-claims', tracked.job.jobArn.slice(tracked.job.jobArn.lastIndexOf('/') + 1));
    fs.mkdirSync(claim, { recursive: true });
    fs.writeFileSync(path.join(claim, 'owner'), 'feedfacefeedfacefeedface');
    await api.services.batchJobs.whenSettled(tracked.job.jobArn);
    const waiting = api.services.batchJobs.store.get(tracked.job.jobArn);
    assert.equal(waiting?.phase, 'applying');
    assert.match(waiting?.failure ?? '', /another window is writing/);
    assert.equal(blocks(fs.readFileSync(files.file(1), 'utf8')), 0, 'nothing written here');
    assert.equal(api.services.usage.ledger.taskTotals().batch?.requests ?? 0, batchBefore, 'nothing metered here');
    assert.equal(api.services.batchJobs.isFollowing(tracked.job.jobArn), false, 'Show Batch Jobs offers Follow Again');
    // The other window finished: following again here sees it done, and still meters nothing.
    fs.writeFileSync(path.join(claim, 'done'), '');
    api.services.batchJobs.follow(tracked.job.jobArn);
    await api.services.batchJobs.whenSettled(tracked.job.jobArn);
    const done = api.services.batchJobs.store.get(tracked.job.jobArn);
    assert.equal(done?.phase, 'applied');
    assert.match(done?.failure ?? '', /written in another window/);
    assert.equal(api.services.usage.ledger.taskTotals().batch?.requests ?? 0, batchBefore);
  });

  it('Stop: the job stops, nothing it did not answer is written, and the files can be retried', async () => {
    await until('the role to reach the extension', () => {
      const s = api.services.settings.current;
      return s.ok && s.config.batchRoleArn === TEST_BATCH_ROLE_ARN;
    });
    Object.assign(bedrock().batchJobs.data, { inProgressMs: 20_000 });
    const files = makeFiles('bj-stop', 100);
    made.push(files.dir);
    await summarize(files.uri, { output: 'header' });
    const tracked = newestJob();
    await until('the job to be in progress', () => api.services.batchJobs.store.get(tracked.job.jobArn)?.status?.state === 'InProgress', 15_000);
    await api.services.batchJobs.stop(tracked.job.jobArn);
    await api.services.batchJobs.whenSettled(tracked.job.jobArn);
    const stopped = api.services.batchJobs.store.get(tracked.job.jobArn);
    assert.ok(stopped);
    assert.equal(stopped.status?.state, 'Stopped');
    assert.equal(stopped.phase, 'applied');
    assert.equal(stopped.run.files.filter((f) => f.status === 'failed').length, 100, 'no record was answered');
    assert.equal(blocks(fs.readFileSync(files.file(1), 'utf8')), 0);
  });
});
