// The Bedrock batch job layer against real servers: the real @aws-sdk/client-bedrock and
// @aws-sdk/client-s3 clients, the local Bedrock server's batch control plane
// (test/server/batchJobs.ts) and s3rver behind a SigV4-checking front (test/server/s3Server.ts).
import { strict as assert } from 'node:assert';
import { BatchJobClient, pollBatchJob, type BatchJobClientOptions, type BatchJobStatus } from '../../src/core/batch/batchJob';
import { BatchJobError } from '../../src/core/batch/batchErrors';
import { validatePersistedJob, type PersistedBatchJob } from '../../src/core/batch/batchPersist';
import { buildBatchInput, type BatchItem } from '../../src/core/batch/batchRecords';
import { BedrockLlamaError } from '../../src/core/bedrock/errors';
import { TEST_BATCH_ROLE_ARN, TEST_BATCH_ROLE_NO_S3_ARN, TEST_BATCH_ROLE_READ_ONLY_ARN } from '../server/batchJobs';
import { BedrockTestServer } from '../server/bedrockServer';
import { S3TestServer } from '../server/s3Server';
import { TestProxy } from '../server/testProxy';
import { sandboxEnv } from './awsSupport';

const BUCKET = 'llama-batch-test';
const S3_URI = `s3://${BUCKET}/summaries/`;
const MODEL = 'meta.llama3-1-8b-instruct-v1:0';
const FAST = { initialDelayMs: 10, maxDelayMs: 40 };

function items(n: number, prefix = 'src/file'): BatchItem[] {
  return Array.from({ length: n }, (_, i) => ({
    key: `${prefix}${i}.ts`,
    body: { prompt: `<|begin_of_text|>Summarize file ${i}: export const x${i} = ${i};`, temperature: 0.2, top_p: 0.9, max_gen_len: 256 },
  }));
}

async function expectBatchError(promise: Promise<unknown>): Promise<BatchJobError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof BatchJobError, `expected BatchJobError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a BatchJobError');
}

describe('Bedrock batch jobs against the local Bedrock server and s3rver', function () {
  this.timeout(20_000);
  let bedrock: BedrockTestServer;
  let s3: S3TestServer;
  const made: BatchJobClient[] = [];
  const client = (options: Partial<BatchJobClientOptions> = {}): BatchJobClient => {
    const c = new BatchJobClient({
      region: 'us-west-2',
      endpoint: bedrock.url,
      s3Endpoint: s3.url,
      credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
      maxAttempts: 1,
      ...options,
    });
    made.push(c);
    return c;
  };
  const submit = (c: BatchJobClient, n = 120, more: { roleArn?: string; s3Uri?: string } = {}): Promise<PersistedBatchJob> =>
    c.submit({ input: buildBatchInput(items(n)), s3Uri: more.s3Uri ?? S3_URI, roleArn: more.roleArn ?? TEST_BATCH_ROLE_ARN, modelId: MODEL, jobName: 'Summarize Files: my repo' });

  before(async () => {
    s3 = new S3TestServer({ buckets: [BUCKET] });
    await s3.start();
    bedrock = new BedrockTestServer({ batch: { s3Endpoint: s3.url } });
    await bedrock.start();
  });
  afterEach(async () => {
    for (const c of made.splice(0)) c.dispose();
    bedrock.reset();
    await bedrock.batchJobs.settled(); // no job writes to S3 while it is emptied
    await s3.reset();
  });
  after(async () => {
    await bedrock.stop();
    await s3.stop();
  });

  it('submits 120 files, follows the job to Completed and reads every answer back with its tokens', async () => {
    const c = client();
    const job = await submit(c);
    const ours = s3.requests.filter((r) => r.accessKeyId !== 'AKIDBEDROCKROLE').map((r) => [r.method, r.accessKeyId, r.status]);
    assert.deepEqual(ours, [['PUT', 'AKIDTEST', 200]], 'the upload, signed for s3 with the caller\'s keys');
    assert.match(job.jobArn, /^arn:aws:bedrock:us-west-2:123456789012:model-invocation-job\/[0-9a-f]{12}$/);
    assert.match(job.jobName, /^Summarize-Files-my-repo-\d{8}-\d{6}-[0-9a-f]{6}$/);
    assert.equal(Object.keys(job.records).length, 120);
    assert.equal(job.region, 'us-west-2');
    assert.deepEqual(validatePersistedJob(JSON.parse(JSON.stringify(job))), job, 'the job survives a round trip through storage');

    // The input: one JSONL under a fresh folder of the S3 URI, a record per file, the native Llama body.
    const keys = await s3.keys(BUCKET);
    assert.deepEqual(keys, [job.inputKey]);
    assert.match(job.inputKey, /^summaries\/llama-batch\/\d{8}-\d{6}-[0-9a-f]{6}\/input\/records\.jsonl$/);
    const lines = (await s3.getText(BUCKET, job.inputKey)).trim().split('\n').map((l) => JSON.parse(l) as { recordId: string; modelInput: Record<string, unknown> });
    assert.equal(lines.length, 120);
    assert.deepEqual(Object.keys(lines[0]), ['recordId', 'modelInput']);
    assert.deepEqual(Object.keys(lines[0].modelInput), ['prompt', 'temperature', 'top_p', 'max_gen_len']);
    assert.equal(job.records[lines[7].recordId], 'src/file7.ts');

    // The create call as the SDK sent it, signed for `bedrock`.
    const create = bedrock.controlPlaneRequests.find((r) => r.operation === 'CreateModelInvocationJob');
    assert.ok(create);
    assert.match(create.headers.authorization ?? '', /Credential=AKIDTEST\/\d{8}\/us-west-2\/bedrock\/aws4_request/);
    const body = create.body as Record<string, unknown>;
    assert.equal(body.roleArn, TEST_BATCH_ROLE_ARN);
    assert.equal(body.modelId, MODEL);
    assert.deepEqual(body.inputDataConfig, { s3InputDataConfig: { s3Uri: `s3://${BUCKET}/${job.inputKey.replace(/records\.jsonl$/, '')}`, s3InputFormat: 'JSONL' } });
    assert.deepEqual(body.outputDataConfig, { s3OutputDataConfig: { s3Uri: `s3://${BUCKET}/${job.outputPrefix}` } });

    const seen: string[] = [];
    const done = await pollBatchJob(c, job, { ...FAST, onStatus: (s) => seen.push(s.state) });
    assert.equal(done.state, 'Completed');
    assert.equal(done.done, true);
    const order = ['Submitted', 'Validating', 'Scheduled', 'InProgress', 'Completed'];
    assert.ok(seen.every((state, i) => i === 0 || order.indexOf(state) >= order.indexOf(seen[i - 1])), `states in order: ${seen.join(' → ')}`);
    assert.ok(seen.length >= 2 && seen.at(-1) === 'Completed', seen.join(' → '));
    assert.deepEqual(done.counts, { total: 120, processed: 120, success: 120, error: 0 });
    assert.ok(done.manifest, 'the manifest is read once the job completed');
    assert.equal(done.manifest.totalRecordCount, 120);
    assert.equal(done.manifest.successRecordCount, 120);
    assert.equal(done.submittedAt !== undefined && done.endedAt !== undefined && done.endedAt >= done.submittedAt, true);

    const results = await c.results(job);
    assert.equal(results.ok.length, 120);
    assert.equal(results.failed.length, 0);
    assert.deepEqual(results.problems, []);
    assert.deepEqual(results.ok.map((r) => r.key), items(120).map((i) => i.key), 'input order');
    const first = results.ok[0];
    assert.match(first.text, /^Summary of r000000[0-9a-f]{8}: /);
    assert.equal(first.stopReason, 'stop');
    assert.ok(first.usage.inputTokens > 0 && first.usage.outputTokens > 0);
    assert.deepEqual(results.usage, { inputTokens: results.manifest?.inputTokenCount, outputTokens: results.manifest?.outputTokenCount });
    const bedrockReads = s3.requests.filter((r) => r.accessKeyId === 'AKIDBEDROCKROLE');
    assert.ok(bedrockReads.some((r) => r.method === 'GET' && r.url.includes('records.jsonl')), 'Bedrock read the input with its own identity');
    assert.deepEqual(results.files, [`s3://${BUCKET}/${job.outputPrefix}${job.jobArn.split('/').pop()}/records.jsonl.out`]);
  });

  it('resumes a job from its stored form with a new client, as after a reload', async () => {
    const job = await submit(client());
    const stored = validatePersistedJob(JSON.parse(JSON.stringify(job)));
    assert.ok(stored);
    const again = client();
    const done = await pollBatchJob(again, stored, FAST);
    assert.equal(done.state, 'Completed');
    assert.equal((await again.results(stored)).ok.length, 120);
  });

  it('lists a record that failed with its reason, and the job ends PartiallyCompleted', async () => {
    const c = client();
    const input = buildBatchInput(items(110));
    const [badId, secretId] = Object.keys(input.records).slice(3, 5);
    bedrock.batchJobs.data.answers[badId] = { error: { errorCode: 400, errorMessage: 'Malformed input request: #/max_gen_len: 9000 is not less or equal to 2048, please reformat your input and try again.' } };
    bedrock.batchJobs.data.answers[secretId] = { error: { errorCode: 500, errorMessage: 'Internal error near aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' } };
    const job = await c.submit({ input, s3Uri: S3_URI, roleArn: TEST_BATCH_ROLE_ARN, modelId: MODEL });
    const done = await pollBatchJob(c, job, FAST);
    assert.equal(done.state, 'PartiallyCompleted');
    assert.deepEqual(done.counts, { total: 110, processed: 110, success: 108, error: 2 });
    assert.equal(done.manifest?.errorRecordCount, 2);
    const results = await c.results(job);
    assert.equal(results.ok.length, 108);
    assert.deepEqual(results.failed.map((f) => f.key), ['src/file3.ts', 'src/file4.ts']);
    assert.equal(results.failed[0].errorCode, 400);
    assert.match(results.failed[0].reason, /^Bedrock error 400: Malformed input request: #\/max_gen_len: 9000/);
    assert.equal(results.failed[1].errorCode, 500);
    assert.ok(!results.failed[1].reason.includes('wJalrXUtnFEMI'), results.failed[1].reason);
    assert.match(results.failed[1].reason, /\[redacted\]/);
  });

  it('stops a running job: Stopping, then Stopped, every record listed as failed; a second stop is refused', async () => {
    bedrock.batchJobs.data.inProgressMs = 5_000;
    const c = client();
    const job = await submit(c);
    await pollUntil(c, job, (s) => s.state === 'InProgress');
    await c.stop(job);
    assert.equal((await c.status(job)).state, 'Stopping');
    const done = await pollBatchJob(c, job, FAST);
    assert.equal(done.state, 'Stopped');
    const results = await c.results(job);
    assert.equal(results.ok.length, 0);
    assert.equal(results.failed.length, 120);
    assert.equal(results.failed[0].reason, 'the job wrote no output');
    const again = await expectBatchError(c.stop(job));
    assert.equal(again.batchKind, 'jobNotStoppable');
    assert.equal(again.awsErrorName, 'ConflictException');
  });

  it('says which permission a bad role lacks: iam:PassRole, a role Bedrock cannot assume, a role that cannot read or write S3', async () => {
    const c = client();
    bedrock.batchJobs.data.passRoleDenied = [TEST_BATCH_ROLE_ARN];
    const denied = await expectBatchError(submit(c));
    assert.equal(denied.batchKind, 'passRoleDenied');
    assert.equal(denied.setting, 'bedrockLlama.batch.roleArn');
    assert.equal(denied.kind, 'accessDenied');
    assert.match(denied.userMessage, /may not pass the role in bedrockLlama\.batch\.roleArn \(arn:aws:iam::123456789012:role\/BedrockBatchInference\) to Bedrock \(iam:PassRole\)/);
    bedrock.batchJobs.data.passRoleDenied = [];

    const unknownRole = 'arn:aws:iam::123456789012:role/NoSuchRole';
    const invalid = await expectBatchError(submit(c, 120, { roleArn: unknownRole }));
    assert.equal(invalid.batchKind, 'roleInvalid');
    assert.match(invalid.userMessage, /Bedrock cannot use the role in bedrockLlama\.batch\.roleArn \(arn:aws:iam::123456789012:role\/NoSuchRole\)\. Check that the role exists .* trust policy/);

    const noS3 = await submit(c, 120, { roleArn: TEST_BATCH_ROLE_NO_S3_ARN });
    const failed = await pollBatchJob(c, noS3, FAST);
    assert.equal(failed.state, 'Failed');
    assert.ok(failed.failure);
    assert.equal(failed.failure.batchKind, 'roleCannotRead');
    assert.equal(failed.failure.setting, 'bedrockLlama.batch.roleArn');
    assert.match(failed.failure.userMessage, /^The role in bedrockLlama\.batch\.roleArn \(arn:aws:iam::123456789012:role\/BedrockBatchNoS3\) cannot read the input at s3:\/\/llama-batch-test\/summaries\/llama-batch\/.*\/input\/records\.jsonl\. Give the role s3:GetObject and s3:ListBucket/);

    const readOnly = await submit(c, 120, { roleArn: TEST_BATCH_ROLE_READ_ONLY_ARN });
    const cannotWrite = await pollBatchJob(c, readOnly, FAST);
    assert.equal(cannotWrite.failure?.batchKind, 'roleCannotWrite');
    assert.match(cannotWrite.failure?.userMessage ?? '', /cannot write the results to s3:\/\/llama-batch-test\/.*\/output\/[0-9a-f]{12}\/\. Give the role s3:PutObject/);
  });

  it('names the bucket and the setting when the bucket is missing: for our own upload, and when the job finds it gone', async () => {
    const c = client();
    const missing = await expectBatchError(submit(c, 120, { s3Uri: 's3://no-such-bucket-here/x/' }));
    assert.equal(missing.batchKind, 'bucketMissing');
    assert.equal(missing.setting, 'bedrockLlama.batch.s3Uri');
    assert.match(missing.userMessage, /^The S3 bucket "no-such-bucket-here" named in bedrockLlama\.batch\.s3Uri does not exist \(looked for in us-west-2\)/);
    assert.equal(bedrock.controlPlaneRequests.length, 0, 'no job is created without its input');

    bedrock.batchJobs.data.validatingMs = 2_000; // time to remove the bucket first, even on a busy machine
    const job = await submit(c);
    await s3.deleteBucket(BUCKET); // gone before Bedrock reads the input
    const failed = await pollBatchJob(c, job, FAST);
    assert.equal(failed.state, 'Failed');
    assert.equal(failed.failure?.batchKind, 'bucketMissing');
    assert.match(failed.failure?.userMessage ?? '', /^The S3 bucket "llama-batch-test" named in bedrockLlama\.batch\.s3Uri does not exist for Bedrock\./);
    assert.match(failed.message ?? '', /llama-batch-test/);
  });

  it('falls back to on demand below the minimum: before anything is sent, and when Bedrock refuses too few records', async () => {
    const c = client();
    const few = await expectBatchError(submit(c, 99));
    assert.equal(few.batchKind, 'tooFewRecords');
    assert.equal(few.fallback, true);
    assert.equal(few.userMessage, '99 files are fewer than the 100 records Bedrock needs for a batch job, so they are summarized on demand instead.');
    assert.equal(s3.requests.length + bedrock.controlPlaneRequests.length, 0, 'nothing was sent');

    // An account whose own minimum is higher than the one the client knows: Bedrock says so.
    bedrock.batchJobs.data.minRecords = 150;
    const refused = await expectBatchError(submit(c, 120));
    assert.equal(refused.batchKind, 'tooFewRecords');
    assert.equal(refused.fallback, true);
    assert.equal(refused.awsErrorName, 'ValidationException');
    assert.equal(refused.userMessage, '120 files are fewer than the 150 records Bedrock needs for a batch job, so they are summarized on demand instead.');
    assert.deepEqual(await s3.keys(BUCKET), [], 'the input of a job that was never created is removed again');
  });

  it('turns hostile output lines into failed records or problems, never a throw', async () => {
    const c = client({ outputLimits: { maxLineBytes: 64 * 1024, maxTextChars: 10_000 } });
    const job = await submit(c, 100);
    await pollBatchJob(c, job, FAST);
    const ids = Object.keys(job.records);
    const out = `${job.outputPrefix}${job.jobArn.split('/').pop()}/records.jsonl.out`;
    const original = (await s3.getText(BUCKET, out)).trim().split('\n');
    const kept = original.filter((line) => !ids.slice(0, 6).some((id) => line.includes(`"${id}"`)));
    const hostile = [
      '{not json at all',
      `{"recordId": "${ids[0]}", "modelOutput": {"generation": 42, "prompt_token_count": 1, "generation_token_count": 1}}`,
      `{"recordId": "${ids[1]}", "modelOutput": {"generation": "x", "prompt_token_count": "12", "generation_token_count": 1}}`,
      `{"recordId": "${ids[2]}", "modelOutput": {"generation": "${'A'.repeat(40_000)}", "prompt_token_count": 1, "generation_token_count": 1}}`,
      `{"recordId": "${ids[3]}", "modelInput": {"prompt": "${'p'.repeat(100_000)}"}, "modelOutput": {"generation": "ok"}}`,
      `{"recordId": "${ids[4]}", "modelOutput": {"generation": "fine", "prompt_token_count": -1, "generation_token_count": 1e400}}`,
      `{"recordId": ["${ids[5]}"], "modelOutput": {"generation": "fine"}}`,
      '[1, 2, 3]',
      '{"recordId": "r999999deadbeef", "modelOutput": {"generation": "not ours", "prompt_token_count": 1, "generation_token_count": 1}}',
      '\u0000\u0001\u0002',
    ];
    await s3.putText(BUCKET, out, [...kept, ...hostile].join('\n'));
    const results = await c.results(job);
    assert.equal(results.ok.length, 94);
    const reasons = Object.fromEntries(results.failed.map((f) => [f.recordId, f.reason]));
    assert.match(reasons[ids[0]], /malformed \(generation is 42\)/);
    assert.match(reasons[ids[1]], /malformed \(prompt_token_count is "12"\)/);
    assert.equal(reasons[ids[2]], 'its answer is longer than 10000 characters');
    assert.equal(reasons[ids[3]], 'its output line is longer than 64 KB');
    assert.match(reasons[ids[4]], /malformed|no valid token counts/);
    assert.equal(reasons[ids[5]], 'the job wrote no result for it', 'an unreadable record id cannot claim a record');
    assert.equal(results.failed.length, 6);
    assert.ok(results.problems.some((p) => /line \d+: not JSON/.test(p)));
    assert.ok(results.problems.some((p) => /not a JSON object/.test(p)));
    assert.ok(results.problems.some((p) => /record r999999deadbeef, which this job did not send/.test(p)));
  });

  it('stops polling at once when aborted, and submit is abortable before it starts', async () => {
    bedrock.batchJobs.data.inProgressMs = 10_000;
    const c = client();
    const job = await submit(c);
    const controller = new AbortController();
    const started = Date.now();
    const polled = pollBatchJob(c, job, {
      signal: controller.signal,
      initialDelayMs: 5_000,
      onStatus: () => setTimeout(() => controller.abort(), 20),
    });
    await assert.rejects(polled, (err: unknown) => err instanceof BedrockLlamaError && err.kind === 'aborted');
    assert.ok(Date.now() - started < 2_000, 'no 5 s wait after the abort');

    const aborted = new AbortController();
    aborted.abort();
    await assert.rejects(c.submit({ input: buildBatchInput(items(120)), s3Uri: S3_URI, roleArn: TEST_BATCH_ROLE_ARN, modelId: MODEL }, aborted.signal),
      (err: unknown) => err instanceof BedrockLlamaError && err.kind === 'aborted');
  });

  it('keeps polling through a passing failure and gives up on a lasting one', async () => {
    const c = client();
    const job = await submit(c);
    let calls = 0;
    const flaky = {
      status: async (j: string | PersistedBatchJob): Promise<BatchJobStatus> => {
        calls++;
        if (calls === 1) throw new BedrockLlamaError({ kind: 'throttled', retryable: true, userMessage: 'slow down' });
        return c.status(j);
      },
    };
    const transient: string[] = [];
    const done = await pollBatchJob(flaky, job, { ...FAST, onTransientError: (e) => transient.push(e.kind) });
    assert.equal(done.state, 'Completed');
    assert.deepEqual(transient, ['throttled']);

    const gone = await expectBatchError(pollBatchJob(c, 'arn:aws:bedrock:us-west-2:123456789012:model-invocation-job/000000000000', FAST));
    assert.equal(gone.batchKind, 'jobNotFound');
  });

  it('lists the account\'s jobs, newest first, across pages', async () => {
    bedrock.batchJobs.data.pageSize = 1;
    const c = client();
    const a = await submit(c);
    await new Promise((r) => setTimeout(r, 5)); // a later submit time
    const b = await submit(c);
    const listed = await c.list({ nameContains: 'Summarize-Files' });
    assert.deepEqual(listed.map((j) => j.jobArn), [b.jobArn, a.jobArn]);
    assert.equal(bedrock.controlPlaneRequests.filter((r) => r.operation === 'ListModelInvocationJobs').length, 2);
    assert.equal(listed[0].modelId, MODEL);
    assert.equal(listed[0].roleArn, TEST_BATCH_ROLE_ARN);
  });

  it('redacts secrets in a failed job\'s message and in S3 errors through a proxy with credentials', async () => {
    bedrock.batchJobs.data.validatingMs = 5_000;
    const c = client();
    const job = await submit(c);
    const record = bedrock.batchJobs.jobs.get(job.jobArn.split('/').pop() ?? '');
    assert.ok(record);
    Object.assign(record, { status: 'Failed', message: 'Internal failure; X-Amz-Security-Token=IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLXdlc3QtMiJHMEUCIQD and Authorization: Bearer ABSKQmVkcm9ja0FQSUtleS1leGFtcGxl' });
    const status = await c.status(job);
    assert.equal(status.state, 'Failed');
    for (const text of [status.message ?? '', status.failure?.userMessage ?? '', status.failure?.detail ?? '']) {
      assert.ok(!/IQoJb3JpZ2luX2Vj|ABSKQmVk/.test(text), text);
    }
    assert.match(status.failure?.userMessage ?? '', /^The Bedrock batch job failed\. Bedrock said: .*\[redacted\]/);

    // S3 goes through the same proxy settings as Bedrock; a proxy password never shows.
    const dead = client({ proxy: { proxy: 'http://me:pr0xy-s3cret@127.0.0.1:9', noProxy: ['127.0.0.1:' + new URL(bedrock.url).port] }, s3Endpoint: 'http://s3.batch.test:9000', connectTimeoutMs: 500 });
    const err = await submit(dead).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof BedrockLlamaError, String(err));
    assert.ok(!err.userMessage.includes('pr0xy-s3cret'), err.userMessage);
    assert.match(err.userMessage, /^The connection to S3 in us-west-2 through the proxy http:\/\/127\.0\.0\.1:9 failed/, 'the proxy is named, without its password');
    assert.ok(!String(err.detail).includes('pr0xy-s3cret'));
  });

  it('sends S3 requests through the configured proxy, Bedrock ones past it (NO_PROXY)', async () => {
    const proxy = new TestProxy({ forwardTo: Number(new URL(s3.url).port) });
    const { url } = await proxy.start();
    try {
      const c = client({ proxy: { proxy: url, noProxy: ['127.0.0.1'] }, s3Endpoint: 'http://s3.batch.test:9000' });
      const job = await submit(c);
      assert.ok(proxy.forwards.length > 0 && proxy.forwards.every((f) => f.startsWith('http://s3.batch.test:9000/llama-batch-test/')), proxy.forwards.join(' '));
      const done = await pollBatchJob(c, job, FAST);
      assert.equal(done.state, 'Completed');
      assert.equal((await c.results(job)).ok.length, 120);
      assert.ok(proxy.forwards.length >= 4, 'every S3 request went through the proxy, each with its absolute URL (a reused connection once sent a relative one)');
      assert.ok(proxy.forwards.every((f) => f.startsWith('http://s3.batch.test:9000/')), proxy.forwards.join(' '));
    } finally {
      await proxy.stop();
    }
  });

  it('signs the control plane with a Bedrock API key and S3 with AWS credentials; says so when there are none', async () => {
    const env = sandboxEnv({ AWS_ACCESS_KEY_ID: 'AKIDFROMENV', AWS_SECRET_ACCESS_KEY: 'env-secret' });
    try {
      const c = client({ credentials: undefined, bearerToken: 'test-api-key' });
      const job = await submit(c);
      assert.equal(bedrock.controlPlaneRequests.find((r) => r.operation === 'CreateModelInvocationJob')?.headers.authorization, 'Bearer test-api-key');
      assert.deepEqual(s3.requests.filter((r) => r.accessKeyId !== 'AKIDBEDROCKROLE').map((r) => r.accessKeyId), ['AKIDFROMENV']);
      assert.equal((await pollBatchJob(c, job, FAST)).state, 'Completed');
    } finally {
      env.restore();
    }
    const bare = sandboxEnv();
    try {
      const err = await expectBatchError(submit(client({ credentials: undefined, bearerToken: 'test-api-key' })));
      assert.equal(err.batchKind, 's3Credentials');
      assert.match(err.userMessage, /a Bedrock API key cannot sign for/);
    } finally {
      bare.restore();
    }
  });

  it('refuses settings it cannot use before sending anything', async () => {
    const c = client();
    const badUri = await expectBatchError(submit(c, 120, { s3Uri: 'https://bucket/x' }));
    assert.equal(badUri.batchKind, 'invalidS3Uri');
    assert.equal(badUri.setting, 'bedrockLlama.batch.s3Uri');
    const badBucket = await expectBatchError(submit(c, 120, { s3Uri: 's3://Not_A_Bucket/' }));
    assert.equal(badBucket.batchKind, 'invalidS3Uri');
    const badRole = await expectBatchError(submit(c, 120, { roleArn: 'BedrockBatchRole' }));
    assert.equal(badRole.batchKind, 'invalidRoleArn');
    assert.equal(badRole.setting, 'bedrockLlama.batch.roleArn');
    assert.equal(s3.requests.length + bedrock.controlPlaneRequests.length, 0);
  });
});

async function pollUntil(c: BatchJobClient, job: PersistedBatchJob, ok: (s: BatchJobStatus) => boolean): Promise<BatchJobStatus> {
  for (let i = 0; i < 200; i++) {
    const s = await c.status(job);
    if (ok(s)) return s;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('the job never reached the state');
}
