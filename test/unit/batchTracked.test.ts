// The core of Summarize Files… as a batch job: each record's body is the very body the on-demand
// request sends (checked against what the local Bedrock server received for the same file),
// the cost at batch prices, and the kept job read back untrusted.
import { strict as assert } from 'node:assert';
import { batchCost, batchItemsFor } from '../../src/core/batch/batchItems';
import { TEST_BATCH_ROLE_ARN } from '../server/batchJobs';
import { formatAge, jobSummary, statusText, textHash, TRACKED_JOBS_VERSION, validateTrackedJob, validateTrackedJobs, type TrackedBatchJob } from '../../src/core/batch/trackedJob';
import { runRequest, type RequestDeps } from '../../src/core/request/runRequest';
import { validateSettings, type LlamaConfig } from '../../src/core/settingsSchema';
import { fileRequest } from '../../src/core/summarizeFiles/plan';
import { RUN_STATE_VERSION } from '../../src/core/summarizeFiles/progress';
import { MapProfileMemory } from '../../src/core/profileFallback';
import { textResponse } from '../server/bedrockServer';
import { useLocalServer } from './awsSupport';

const MODEL = 'meta.llama3-1-8b-instruct-v1:0';

function config(raw: Record<string, unknown> = {}): LlamaConfig {
  const r = validateSettings({ modelId: MODEL, region: 'us-west-2', ...raw });
  if (!r.ok) assert.fail(JSON.stringify(r.errors));
  return r.config;
}

function tracked(): TrackedBatchJob {
  const uri = (i: number) => `file:///w/src/f${i}.ts`;
  return {
    version: TRACKED_JOBS_VERSION,
    job: {
      version: 1, jobArn: 'arn:aws:bedrock:us-west-2:123456789012:model-invocation-job/abc123def456', jobName: 'llama-summaries-run-1',
      region: 'us-west-2', modelId: MODEL, roleArn: TEST_BATCH_ROLE_ARN, createdAt: Date.UTC(2026, 10, 30, 12), bucket: 'my-bucket',
      inputKey: 'llama-batch/x/input/records.jsonl', outputPrefix: 'llama-batch/x/output/', records: { r000000aaaaaaaa: uri(1), r000001bbbbbbbb: uri(2) },
    },
    run: {
      version: RUN_STATE_VERSION, id: 'run-1', startedAt: Date.UTC(2026, 10, 30, 12), output: { kind: 'header' },
      files: [{ uri: uri(1), path: 'src/f1.ts', status: 'pending' }, { uri: uri(2), path: 'src/f2.ts', status: 'pending' }, { uri: uri(3), path: 'src/f3.min.js', status: 'skipped', reason: 'minified' }],
      inputTokens: 0, outputTokens: 0, costUsd: 0, unpriced: false, total: 2, left: 2,
    },
    hashes: { [uri(1)]: textHash('a'), [uri(2)]: textHash('b') },
    modelText: 'Llama 3.1 8B Instruct', configModelId: MODEL, phase: 'running',
  };
}

describe('batch jobs: records and cost', () => {
  const local = useLocalServer();

  it('builds each record with the body the on-demand request sends for the same file', async () => {
    const file = { key: 'file:///w/src/app.ts', path: 'src/app.ts', languageId: 'typescript', text: 'export const answer = 42;\n' };
    const c = config({ endpoint: local.url(), maxGenLen: 300, temperature: 0.3 });
    const { items, tooLong } = batchItemsFor(c, [file]);
    assert.deepEqual(tooLong, []);
    assert.equal(items.length, 1);
    local.server().enqueue(textResponse('A constant.'));
    const client = local.client();
    const deps: RequestDeps = {
      settings: validateSettings({ modelId: MODEL, region: 'us-west-2', endpoint: local.url(), maxGenLen: 300, temperature: 0.3 }),
      connect: () => Promise.resolve({ client, release: () => undefined }),
      profiles: new MapProfileMemory(),
      requestId: 'r-batch-body',
    };
    const outcome = await runRequest(fileRequest(file), deps, { text: () => undefined }, new AbortController().signal);
    assert.equal(outcome.kind, 'ok');
    assert.deepEqual(items[0].body, local.server().requests[0].body, 'the same prompt, temperature, top_p and max_gen_len');
  });

  it('lists a file whose prompt cannot fit the window instead of sending it', () => {
    // A system prompt longer than Llama 2's 4K window leaves no room for any file.
    const c = config({ modelId: 'meta.llama2-13b-chat-v1', systemPrompt: 'Always answer. '.repeat(2000) });
    const { items, tooLong } = batchItemsFor(c, [{ key: 'k', path: 'small.ts', text: 'export const x = 1;\n' }]);
    assert.deepEqual(items, []);
    assert.equal(tooLong.length, 1);
    assert.equal(tooLong[0].key, 'k');
    assert.match(tooLong[0].message, /token/);
  });

  it('prices the answered records at half the on-demand price, and says where that comes from', () => {
    const c = config();
    const { costUsd, source } = batchCost(c, { inputTokens: 1_000_000, outputTokens: 1_000_000 });
    const onDemand = c.model.info?.price;
    assert.ok(onDemand && costUsd !== undefined);
    assert.ok(Math.abs(costUsd - (onDemand.input + onDemand.output) / 2) < 1e-12);
    assert.match(source ?? '', /50% of the on-demand price/);
    assert.deepEqual(batchCost(config({ modelId: 'meta.llama3-8b-instruct-v1:0' }), { inputTokens: 10, outputTokens: 10 }).costUsd, undefined, 'Llama 3 (not 3.1) has no known batch price');
  });
});

describe('batch jobs: the kept job', () => {
  it('reads back a well-formed job, and drops a damaged one alone', () => {
    const good = tracked();
    assert.deepEqual(validateTrackedJob(structuredClone(good)), good);
    const badHash = { ...structuredClone(good), hashes: { 'file:///w/src/f1.ts': 'nothex' } };
    const strayRecord = structuredClone(good);
    strayRecord.job.records.r000002cccccccc = 'file:///elsewhere/x.ts';
    const strangeFile = structuredClone(good);
    strangeFile.hashes['file:///not/in/run.ts'] = textHash('c');
    const other = structuredClone(good);
    other.job.jobArn = 'arn:aws:bedrock:us-west-2:123456789012:model-invocation-job/fff000fff000';
    const kept = validateTrackedJobs([good, badHash, strayRecord, strangeFile, { ...good, phase: 'exploded' }, 'junk', null, other, good]);
    assert.deepEqual(kept.map((j) => j.job.jobArn), [good.job.jobArn, other.job.jobArn], 'damaged ones and the duplicate dropped');
    assert.deepEqual(validateTrackedJobs({ not: 'a list' }), []);
  });

  it('hashes a file\'s text line endings aside, and nothing else aside', () => {
    assert.equal(textHash('a\r\nb\r\n'), textHash('a\nb\n'), 'read from disk (CR LF) and from an open document (LF)');
    assert.equal(textHash('a\rb'), textHash('a\nb'));
    assert.notEqual(textHash('a\nb\n'), textHash('a\nb \n'));
    assert.notEqual(textHash('a\nb\n'), textHash('a\nb'));
  });

  it('says where a job stands', () => {
    const t = tracked();
    const now = t.job.createdAt + 125_000;
    assert.equal(jobSummary(t, now), 'Submitted · 2 files · started 2 min ago');
    t.status = { state: 'InProgress', total: 2, processed: 1, at: now };
    assert.equal(statusText(t.status), 'InProgress · 1 of 2 records');
    assert.equal(jobSummary(t, now), 'InProgress · 1 of 2 records · 2 files · started 2 min ago');
    t.phase = 'applied';
    t.run.files[0].status = 'done';
    t.run.files[1].status = 'failed';
    t.metered = true;
    t.meteredUsd = 0.0012;
    assert.equal(jobSummary(t, now), '1 summarized, 1 failed · $0.0012 at batch prices');
    t.phase = 'failed';
    t.failure = 'The role cannot read the input.';
    assert.equal(jobSummary(t, now), 'Failed: The role cannot read the input.');
    assert.deepEqual([formatAge(42_000), formatAge(3_600_000 + 300_000), formatAge(3 * 86_400_000)], ['42 s', '1 h 5 min', '3 days']);
  });
});
