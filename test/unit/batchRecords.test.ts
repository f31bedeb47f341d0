// The pure parts of Bedrock batch jobs: input records, the `.jsonl.out` and manifest readers
// (untrusted input: nothing throws), the stored job's validator, batch prices and the choice
// between a batch job and on-demand requests.
import { strict as assert } from 'node:assert';
import { parseS3Uri, safeJobName } from '../../src/core/batch/batchJob';
import { validatePersistedJob, validatePersistedJobs, outputFolderOf, type PersistedBatchJob } from '../../src/core/batch/batchPersist';
import { BATCH_PRICE_RATIO, batchPriceFor } from '../../src/core/batch/batchPrices';
import {
  BATCH_MIN_RECORDS,
  buildBatchInput,
  OutputReader,
  parseManifest,
  parseOutputJsonl,
  parseOutputLine,
  recordIdFor,
  resultsFor,
  tooFewRecords,
  type BatchItem,
} from '../../src/core/batch/batchRecords';
import { CATALOG } from '../../src/core/catalog';

const body = (prompt: string) => ({ prompt, temperature: 0.5, top_p: 0.9, max_gen_len: 512 });

describe('batch records', () => {
  it('builds one JSONL line per item with a safe, unique record id and the native Llama body', () => {
    const items: BatchItem[] = [
      { key: '/repo/a.ts', body: body('first "quoted"\nline') },
      { key: '/repo/a.ts', body: body('same path twice') },
      { key: 'C:\\repo\\ünïcode file.py', body: body('third') },
    ];
    const input = buildBatchInput(items);
    const lines = input.jsonl.split('\n');
    assert.equal(lines.at(-1), '', 'ends with a newline');
    assert.equal(input.count, 3);
    assert.equal(input.bytes, Buffer.byteLength(input.jsonl));
    const parsed = lines.slice(0, 3).map((l) => JSON.parse(l) as { recordId: string; modelInput: unknown });
    assert.deepEqual(parsed[0].modelInput, items[0].body);
    const ids = parsed.map((p) => p.recordId);
    assert.equal(new Set(ids).size, 3, 'unique even for the same key');
    for (const id of ids) assert.match(id, /^r\d{6}[0-9a-f]{8}$/);
    assert.equal(ids[0], recordIdFor(0, '/repo/a.ts'));
    assert.deepEqual(input.records, { [ids[0]]: '/repo/a.ts', [ids[1]]: '/repo/a.ts', [ids[2]]: 'C:\\repo\\ünïcode file.py' });
    assert.ok(!ids.some((id) => id.includes('repo')), 'no path in the id');
  });

  it('reads answers and per-record errors as Bedrock writes them', () => {
    const out = [
      JSON.stringify({ recordId: 'r000000aaaaaaaa', modelInput: body('x'), modelOutput: { generation: ' Hello.', prompt_token_count: 12, generation_token_count: 3, stop_reason: 'stop' } }),
      JSON.stringify({ recordId: 'r000001bbbbbbbb', modelInput: body('y'), modelOutput: { generation: 'Cut', prompt_token_count: 5, generation_token_count: 512, stop_reason: 'length' } }),
      JSON.stringify({ recordId: 'r000002cccccccc', modelInput: body('z'), error: { errorCode: 400, errorMessage: 'bad request' } }),
      '',
    ].join('\n');
    const { records, problems } = parseOutputJsonl(out);
    assert.deepEqual(problems, []);
    assert.deepEqual(records.get('r000000aaaaaaaa'), { recordId: 'r000000aaaaaaaa', ok: true, text: ' Hello.', usage: { inputTokens: 12, outputTokens: 3 }, stopReason: 'stop' });
    assert.equal((records.get('r000001bbbbbbbb') as { stopReason?: string }).stopReason, 'length');
    assert.deepEqual(records.get('r000002cccccccc'), { recordId: 'r000002cccccccc', ok: false, reason: 'Bedrock error 400: bad request', errorCode: 400 });
  });

  it('never throws on hostile lines: a bad line fails its record, or is a problem when no record can be named', () => {
    const hostile = [
      'garbage',
      '"a string"',
      'null',
      '{"recordId": null}',
      '{"recordId": "../../etc/passwd", "modelOutput": {"generation": "x"}}',
      '{"recordId": "r1", "modelOutput": "not an object"}',
      '{"recordId": "r2", "modelOutput": {"generation": ["a"]}}',
      '{"recordId": "r3", "modelOutput": {"generation": "x", "prompt_token_count": 1.5, "generation_token_count": 1}}',
      '{"recordId": "r4", "modelOutput": {"generation": "x", "prompt_token_count": 1e12, "generation_token_count": 1}}',
      '{"recordId": "r5"}',
      '{"recordId": "r6", "error": "just a string"}',
      '{"recordId": "r7", "error": {"errorCode": "500", "errorMessage": 42}}',
      '{"recordId": "r8", "modelOutput": {"generation": "blocked", "prompt_token_count": 1, "generation_token_count": 1, "amazon-bedrock-guardrailAction": "INTERVENED"}}',
      '{"recordId": "r9", "modelOutput": {"generation": "half',
      '{"__proto__": {"polluted": true}, "recordId": "r10", "modelOutput": {"generation": "fine", "prompt_token_count": 1, "generation_token_count": 2}}',
    ].join('\n');
    const { records, problems } = parseOutputJsonl(hostile, 'x.jsonl.out');
    assert.deepEqual(problems, [
      'x.jsonl.out line 1: not JSON',
      'x.jsonl.out line 2: not a JSON object',
      'x.jsonl.out line 3: not a JSON object',
      'x.jsonl.out line 4: no recordId',
      'x.jsonl.out line 5: a malformed recordId',
    ]);
    const reason = (id: string): string => {
      const r = records.get(id);
      assert.ok(r && !r.ok, `${id} failed`);
      return r.reason;
    };
    assert.equal(reason('r1'), 'its answer is malformed (not a JSON object)');
    assert.match(reason('r2'), /^its answer is malformed \(generation is \["a"\]\)$/);
    assert.equal(reason('r3'), 'its answer has no valid token counts');
    assert.equal(reason('r4'), 'its answer has no valid token counts');
    assert.equal(reason('r5'), 'Bedrock returned neither an answer nor an error for it');
    assert.equal(reason('r6'), 'Bedrock reported an error for it');
    assert.equal(reason('r7'), 'Bedrock reported an error for it');
    assert.equal(reason('r8'), 'a guardrail blocked its answer');
    assert.equal(reason('r9'), 'its output line is not valid JSON');
    assert.equal(records.get('r10')?.ok, true);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('fails a record whose answer or line is too long without holding the line in memory', () => {
    const long = JSON.stringify({ recordId: 'r1', modelOutput: { generation: 'x'.repeat(5000), prompt_token_count: 1, generation_token_count: 1 } });
    const huge = `{"recordId": "r2", "modelInput": {"prompt": "${'y'.repeat(3 * 1024 * 1024)}"}, "modelOutput": {"generation": "ok"}}`;
    const anonymous = `{"modelInput": {"prompt": "${'z'.repeat(3 * 1024 * 1024)}"}, "recordId": "r3"}`;
    const reader = new OutputReader('big.jsonl.out', { maxLineBytes: 1024 * 1024, maxTextChars: 1000 });
    // Fed in small pieces, as a network stream arrives.
    const bytes = Buffer.from([long, huge, anonymous].join('\n'));
    for (let i = 0; i < bytes.length; i += 65_536) reader.push(bytes.subarray(i, i + 65_536));
    const { records, problems } = reader.end();
    assert.deepEqual(records.get('r1'), { recordId: 'r1', ok: false, reason: 'its answer is longer than 1000 characters' });
    assert.deepEqual(records.get('r2'), { recordId: 'r2', ok: false, reason: 'its output line is longer than 1 MB' });
    assert.deepEqual(problems, ['big.jsonl.out line 3: longer than 1 MB']);
  });

  it('joins multi-byte characters and lines split across chunks', () => {
    const line = JSON.stringify({ recordId: 'r1', modelOutput: { generation: 'naïve — 日本語 🦙', prompt_token_count: 2, generation_token_count: 9 } });
    const bytes = Buffer.from(`${line}\r\n${line.replace('r1', 'r2')}`);
    const reader = new OutputReader('split');
    for (let i = 0; i < bytes.length; i++) reader.push(bytes.subarray(i, i + 1));
    const { records } = reader.end();
    assert.equal((records.get('r1') as { text: string }).text, 'naïve — 日本語 🦙');
    assert.equal((records.get('r2') as { text: string }).text, 'naïve — 日本語 🦙');
  });

  it('keeps the first answer for a record, an answer over an earlier failure, and marks missing records', () => {
    const ok = (id: string, text: string) => JSON.stringify({ recordId: id, modelOutput: { generation: text, prompt_token_count: 1, generation_token_count: 1 } });
    const { records } = parseOutputJsonl([`{"recordId": "r1", "error": {"errorCode": 500, "errorMessage": "x"}}`, ok('r1', 'second'), ok('r1', 'third'), ok('r2', 'only')].join('\n'));
    assert.equal((records.get('r1') as { text: string }).text, 'second');
    const all = resultsFor(['r1', 'r2', 'r3'], records);
    assert.deepEqual(all.map((r) => r.ok), [true, true, false]);
    assert.equal((all[2] as { reason: string }).reason, 'the job wrote no result for it');
  });

  it('redacts and shortens Bedrock\'s per-record error messages', () => {
    const parsed = parseOutputLine(JSON.stringify({ recordId: 'r1', error: { errorCode: 403, errorMessage: `denied for AKIAIOSFODNN7EXAMPLE with session_token=IQoJb3JpZ2luX2VjEJrabcdef ${'z'.repeat(1000)}` } }));
    assert.ok(parsed && 'ok' in parsed && !parsed.ok);
    assert.ok(!parsed.reason.includes('AKIAIOSFODNN7EXAMPLE') && !parsed.reason.includes('IQoJb3'), parsed.reason);
    assert.ok(parsed.reason.length < 350);
  });

  it('reads the manifest\'s documented fields and drops anything else', () => {
    assert.deepEqual(parseManifest('{"totalRecordCount": 120, "processedRecordCount": 120, "successRecordCount": 118, "errorRecordCount": 2, "inputTokenCount": 5000, "outputTokenCount": 900}'),
      { totalRecordCount: 120, processedRecordCount: 120, successRecordCount: 118, errorRecordCount: 2, inputTokenCount: 5000, outputTokenCount: 900 });
    assert.deepEqual(parseManifest('{"totalRecordCount": "120", "errorRecordCount": -1, "inputTokenCount": 1.5, "extra": 1, "outputTokenCount": 7}'), { outputTokenCount: 7 });
    assert.equal(parseManifest('not json'), undefined);
    assert.equal(parseManifest('[1]'), undefined);
  });
});

describe('the stored batch job', () => {
  const good = (): PersistedBatchJob => ({
    version: 1,
    jobArn: 'arn:aws:bedrock:us-west-2:123456789012:model-invocation-job/abc123def456',
    jobName: 'llama-summaries-20261130-101500-a1b2c3',
    region: 'us-west-2',
    modelId: 'us.meta.llama3-2-3b-instruct-v1:0',
    roleArn: 'arn:aws:iam::123456789012:role/service-role/BedrockBatch',
    createdAt: Date.UTC(2026, 10, 30),
    bucket: 'my-bucket',
    inputKey: 'p/llama-batch/20261130-101500-a1b2c3/input/records.jsonl',
    outputPrefix: 'p/llama-batch/20261130-101500-a1b2c3/output/',
    records: { r000000aaaaaaaa: '/repo/a.ts', r000001bbbbbbbb: '/repo/b.ts' },
    lastStatus: 'InProgress',
  });

  it('accepts a well-formed job and says where its output is', () => {
    assert.deepEqual(validatePersistedJob(JSON.parse(JSON.stringify(good()))), good());
    assert.deepEqual(outputFolderOf(good()), { bucket: 'my-bucket', prefix: 'p/llama-batch/20261130-101500-a1b2c3/output/abc123def456/', uri: 's3://my-bucket/p/llama-batch/20261130-101500-a1b2c3/output/abc123def456/' });
  });

  it('refuses anything malformed, field by field', () => {
    const broken: Array<[string, unknown]> = [
      ['version', 2],
      ['jobArn', 'arn:aws:bedrock:us-west-2:123456789012:model-invocation-job/../x'],
      ['jobArn', 42],
      ['region', 'Mars'],
      ['roleArn', 'arn:aws:iam::123:role/x'],
      ['bucket', 'UPPER'],
      ['outputPrefix', 'no-slash'],
      ['inputKey', 'a\u0000b'],
      ['createdAt', Number.NaN],
      ['createdAt', 1],
      ['endpoint', 'ftp://x'],
      ['endpoint', 'https://user:pw@host'],
      ['records', {}],
      ['records', { 'bad id!': 'a' }],
      ['records', { r1: 5 }],
      ['records', ['r1']],
      ['lastStatus', 'In Progress; drop'],
    ];
    for (const [field, value] of broken) {
      assert.equal(validatePersistedJob({ ...good(), [field]: value }), undefined, `${field}: ${JSON.stringify(value)}`);
    }
    assert.equal(validatePersistedJob(null), undefined);
    assert.equal(validatePersistedJob('job'), undefined);
    const { modelId: _drop, ...noModel } = good();
    assert.equal(validatePersistedJob(noModel), undefined);
    assert.equal(validatePersistedJob({ ...good(), records: JSON.parse('{"__proto__": "/x"}') }), undefined);
  });

  it('keeps the good jobs of a stored list, once each', () => {
    const other = { ...good(), jobArn: good().jobArn.replace('abc123def456', 'fff000fff000') };
    assert.deepEqual(validatePersistedJobs([good(), { junk: true }, good(), other, 7]).map((j) => j.jobArn), [good().jobArn, other.jobArn]);
    assert.deepEqual(validatePersistedJobs({ not: 'a list' }), []);
  });
});

describe('batch settings, names and prices', () => {
  it('takes bedrockLlama.batch.s3Uri apart', () => {
    assert.deepEqual(parseS3Uri('s3://my-bucket'), { bucket: 'my-bucket', prefix: '' });
    assert.deepEqual(parseS3Uri(' s3://my-bucket/a/b '), { bucket: 'my-bucket', prefix: 'a/b/' });
    assert.deepEqual(parseS3Uri('s3://my-bucket//a//'), { bucket: 'my-bucket', prefix: 'a/' });
    for (const bad of ['my-bucket/x', 'https://my-bucket/x', 's3://', 's3://ab', 's3://My_Bucket', 's3://192.168.1.1', 's3://a..b/x', `s3://bucket/${'k'.repeat(800)}`]) {
      assert.ok('problem' in parseS3Uri(bad), bad);
    }
  });

  it('makes job names Bedrock accepts', () => {
    const pattern = /^[a-zA-Z0-9]{1,63}(-*[a-zA-Z0-9+\-.]){0,63}$/;
    for (const name of [undefined, 'Summarize Files: my repo', '---', 'ü'.repeat(100), 'x'.repeat(200), '..a']) {
      const made = safeJobName(name, '20261130-101500-a1b2c3');
      assert.match(made, pattern, String(name));
      assert.ok(made.length <= 63 && made.endsWith('-20261130-101500-a1b2c3'), made);
    }
  });

  it('prices batch at half the on-demand price, following bedrockLlama.pricing, with its source', () => {
    const p = batchPriceFor('us.meta.llama3-1-8b-instruct-v1:0');
    assert.ok(p);
    assert.deepEqual(p.onDemand, { input: 0.22, output: 0.22 });
    assert.deepEqual(p.price, { input: 0.11, output: 0.11 });
    assert.match(p.source, /50% of the on-demand price \(aws\.amazon\.com\/bedrock\/pricing/);
    const overridden = batchPriceFor('meta.llama3-1-8b-instruct-v1:0', { 'meta.llama3-1-8b-instruct-v1:0': { input: 1, output: 2 } });
    assert.deepEqual(overridden?.price, { input: 0.5, output: 1 });
    assert.match(overridden?.source ?? '', /^bedrockLlama\.pricing × 0\.5/);
    assert.equal(batchPriceFor('meta.llama2-13b-chat-v1'), undefined, 'no known batch price');
    assert.equal(batchPriceFor('arn:aws:bedrock:us-west-2:123456789012:provisioned-model/abc'), undefined);
    assert.equal(batchPriceFor('not a model'), undefined);
    for (const id of Object.keys(BATCH_PRICE_RATIO)) assert.ok(CATALOG.some((m) => m.id === id), `${id} is a catalog model`);
  });

  it('says when a set is below Bedrock\'s minimum records per job', () => {
    assert.equal(BATCH_MIN_RECORDS, 100);
    assert.equal(tooFewRecords(100), undefined);
    assert.equal(tooFewRecords(12), '12 files are fewer than the 100 records Bedrock needs for a batch job, so they are summarized on demand instead.');
    assert.equal(tooFewRecords(1, 5), '1 file is fewer than the 5 records Bedrock needs for a batch job, so it is summarized on demand instead.');
  });
});
