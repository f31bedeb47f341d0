// AWS access in a real extension host: a Bedrock API key kept in secret storage is used
// for the next request (bearer auth) and never written to settings; Show Connection Info
// reports what requests use.
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import { summarizeOneLine } from './support/editor';
import { activate } from './support/extension';
import { textResponse, useLocalBedrock } from './support/localBedrock';

const KEY = 'ABSKQmVkcm9ja0FQSUtleS1leGFtcGxlLWZvci10ZXN0cy1vbmx5LTAxMjM0NTY3ODk=';

describe('AWS access', function () {
  this.timeout(20_000);
  const bedrock = useLocalBedrock();
  before(() => activate());
  after(() => vscode.commands.executeCommand('bedrockLlama.clearApiKey'));

  it('uses a Bedrock API key from secret storage for the next request, and SigV4 again once it is cleared', async () => {
    assert.equal(await vscode.commands.executeCommand('bedrockLlama.setApiKey', KEY), true);
    bedrock().enqueue(textResponse('Sets y.', { chunks: 1 }), textResponse('Sets y.', { chunks: 1 }));
    await summarizeOneLine('const y = 2;');
    const first = bedrock().requests[0];
    assert.equal(first.authScheme, 'Bearer');
    assert.equal(first.headers.authorization, `Bearer ${KEY}`);
    const settings = JSON.stringify(vscode.workspace.getConfiguration('bedrockLlama'));
    assert.ok(!settings.includes(KEY.slice(4, 20)), 'the key is not in the settings');

    assert.equal(await vscode.commands.executeCommand('bedrockLlama.clearApiKey'), true);
    await summarizeOneLine('const y = 2;');
    assert.equal(bedrock().requests[1].authScheme, 'AWS4-HMAC-SHA256');
  });

  it('Show Connection Info reports the region, credential source, endpoint and the id requests are sent as', async () => {
    const lines = await vscode.commands.executeCommand<Array<{ label: string; value: string }>>('bedrockLlama.showConnection');
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    assert.ok(lines && lines.length > 0);
    const text = lines.map((l) => `${l.label}: ${l.value}`).join('\n');
    assert.match(text, /us-west-2/);
    assert.match(text, /127\.0\.0\.1/);
    assert.match(text, /us\.meta\.llama3-3-70b-instruct-v1:0/);
  });
});
