import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import { TEST_API_KEYS, textResponse, useLocalBedrock } from './support/localBedrock';

// Checks the harness itself: the local Bedrock server runs inside the extension host and
// `bedrockLlama.endpoint` points at it. Feature tests use the same two lines.
describe('local Bedrock server (test harness)', () => {
  const bedrock = useLocalBedrock();

  it('answers in the extension host at the configured endpoint', async () => {
    const endpoint = vscode.workspace.getConfiguration('bedrockLlama').get<string>('endpoint');
    assert.equal(endpoint, bedrock().url);
    bedrock().enqueue(textResponse('Hello from the harness'));
    const res = await fetch(`${endpoint}/model/meta.llama3-3-70b-instruct-v1%3A0/invoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_API_KEYS[0]}` },
      body: JSON.stringify({ prompt: 'hi' }),
    });
    assert.equal(res.status, 200);
    assert.match(JSON.stringify(await res.json()), /Hello from the harness/);
    assert.equal(bedrock().requests[0]?.modelId, 'meta.llama3-3-70b-instruct-v1:0');
  });
});
