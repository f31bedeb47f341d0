import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import {
  EXTENSION_ID, LM_CONSUMER_ID, TEST_API_KEYS, consumer, consumerExtension, extension, lm1104, textResponse, useLocalBedrock,
  versionAtLeast,
} from './support/lm';

// The harness itself: a VS Code with the Language Model Chat Provider API, the extension under
// development and the consumer test extension loaded, and the local Bedrock server usable
// from the suite as in test/integration.
describe('language-model suite (test harness)', () => {
  it('runs in VS Code 1.104 or newer', () => {
    assert.ok(versionAtLeast(vscode.version, '1.104.0'), `VS Code ${vscode.version} is older than 1.104`);
  });

  it('has vscode.lm.registerLanguageModelChatProvider', () => {
    assert.equal(typeof lm1104().registerLanguageModelChatProvider, 'function');
  });

  it('loads the extension under development', () => {
    const ext = extension();
    assert.equal(ext.id, EXTENSION_ID);
    assert.ok(ext.extensionUri.fsPath.length > 0);
  });

  it('loads the consumer extension, which activates by itself', async () => {
    const ext = consumerExtension();
    assert.equal(ext.id, LM_CONSUMER_ID);
    const api = await consumer();
    assert.ok(ext.isActive);
    assert.equal(typeof api.sendRequest, 'function');
    assert.ok(Array.isArray(await api.selectChatModels({ vendor: 'no-such-vendor' })));
  });

  describe('local Bedrock server', () => {
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
    });
  });
});
