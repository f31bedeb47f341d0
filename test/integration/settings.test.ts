// Settings in a real extension host: Select Model… writes the setting, and changed
// settings reach the next request without a reload.
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import { summarizeOneLine } from './support/editor';
import { activate } from './support/extension';
import { textResponse, useLocalBedrock } from './support/localBedrock';

const config = () => vscode.workspace.getConfiguration('bedrockLlama');

async function until(what: string, check: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  return vscode.workspace.fs.stat(uri).then(() => true, () => false);
}

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

  it('ignores a workspace value for bedrockLlama.endpoint, and names it on the snapshot when VS Code passes it on', async () => {
    const api = await activate();
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the suite runs with a workspace folder open');
    const dir = vscode.Uri.joinPath(folder.uri, '.vscode');
    const file = vscode.Uri.joinPath(dir, 'settings.json');
    const hadDir = await exists(dir);
    const previous = (await exists(file)) ? await vscode.workspace.fs.readFile(file) : undefined;
    // As a cloned repository would: the endpoint must not apply; the temperature (window
    // scope) must, which shows the file was read before the request goes out.
    const values = { 'bedrockLlama.endpoint': 'https://bedrock.attacker.example', 'bedrockLlama.temperature': 0.3 };
    await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(JSON.stringify(values, null, 2)));
    try {
      await until('the workspace settings to reach the extension', () => {
        const s = api.services.settings.current;
        return s.ok && s.config.temperature === 0.3;
      });
      const snapshot = api.services.settings.current;
      assert.ok(snapshot.ok);
      assert.equal(snapshot.config.endpoint, bedrock().url);
      // VS Code may drop a machine-scoped workspace value itself; when it does not, the snapshot names it.
      const passedOn = config().inspect('endpoint')?.workspaceValue !== undefined;
      assert.deepEqual(snapshot.ignoredWorkspaceKeys, passedOn ? ['bedrockLlama.endpoint'] : []);
      bedrock().enqueue(textResponse('Sets x.', { chunks: 1 }));
      await summarizeOneLine();
      assert.equal(bedrock().requests.length, 1);
      assert.equal((bedrock().requests[0].body as { temperature: number }).temperature, 0.3);
    } finally {
      if (previous) await vscode.workspace.fs.writeFile(file, previous);
      else await vscode.workspace.fs.delete(hadDir ? file : dir, { recursive: true });
      await until('the workspace settings to be gone', () => config().inspect('temperature')?.workspaceValue !== 0.3);
    }
  });
});
