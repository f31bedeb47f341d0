// Settings in a real extension host: Select Model… writes the setting, and changed
// settings reach the next request without a reload.
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import { summarizeOneLine } from './support/editor';
import { activate } from './support/extension';
import { textResponse, useLocalBedrock } from './support/localBedrock';

const config = () => vscode.workspace.getConfiguration('bedrockLlama');

describe('settings', function () {
  this.timeout(20_000);
  const bedrock = useLocalBedrock();
  before(() => activate());
  afterEach(async () => {
    for (const key of ['modelId', 'region', 'inferenceProfile', 'maxGenLen', 'temperature']) {
      await config().update(key, undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('Select Model… writes bedrockLlama.modelId and the next request uses it', async () => {
    await vscode.commands.executeCommand('bedrockLlama.selectModel', 'meta.llama3-70b-instruct-v1:0');
    assert.equal(config().get('modelId'), 'meta.llama3-70b-instruct-v1:0');
    bedrock().enqueue(textResponse('Sets x.', { chunks: 1 }));
    await summarizeOneLine();
    assert.equal(bedrock().requests[0].modelId, 'meta.llama3-70b-instruct-v1:0');
  });

  it('sends models that need an inference profile with the region\'s geography (auto)', async () => {
    await config().update('modelId', 'meta.llama3-3-70b-instruct-v1:0', vscode.ConfigurationTarget.Global);
    bedrock().enqueue(textResponse('Sets x.', { chunks: 1 }));
    await summarizeOneLine();
    assert.equal(bedrock().requests[0].modelId, 'us.meta.llama3-3-70b-instruct-v1:0');
  });

  it('applies changed sampling settings to the next request without a reload', async () => {
    await config().update('modelId', 'meta.llama3-1-8b-instruct-v1:0', vscode.ConfigurationTarget.Global);
    await config().update('maxGenLen', 64, vscode.ConfigurationTarget.Global);
    await config().update('temperature', 0.1, vscode.ConfigurationTarget.Global);
    bedrock().enqueue(textResponse('Sets x.', { chunks: 1 }));
    await summarizeOneLine();
    const body = bedrock().requests[0].body as { max_gen_len: number; temperature: number };
    assert.deepEqual([body.max_gen_len, body.temperature], [64, 0.1]);
  });

  it('uses the Llama 2 template for a Llama 2 model', async () => {
    await config().update('modelId', 'meta.llama2-13b-chat-v1', vscode.ConfigurationTarget.Global);
    bedrock().enqueue(textResponse('Sets x.', { chunks: 1 }));
    await summarizeOneLine();
    const prompt = (bedrock().requests[0].body as { prompt: string }).prompt;
    assert.ok(prompt.startsWith('<s>[INST] <<SYS>>\n') && prompt.endsWith(' [/INST]'), prompt);
  });
});
