// Model routing as a user sees it in the real workbench: with `routing` auto an inline summary
// is written by Llama 3.2 3B and the status bar says so with its cost; a chat answer routed by
// `taskModels` names the model that answered, and its "Ask <selected model>" button (reached
// with the keyboard) answers the turn again with the selected model.
import { strict as assert } from 'node:assert';
import { setTimeout as sleep } from 'node:timers/promises';
import { textResponse } from '../server/bedrockServer';
import { ask, lastTurn, newChat, openChat, rendered, selectLines } from './support/chat';
import { localBedrock, updateSettings, workbench } from './support/fixture';

const SELECTED = 'meta.llama3-3-70b-instruct-v1:0';
const COUNTS = { metrics: { inputTokenCount: 1000, outputTokenCount: 200 } };

describe('model routing', function () {
  this.timeout(90_000);

  before(() => updateSettings({ 'bedrockLlama.modelId': SELECTED, 'bedrockLlama.routing': 'auto' }));
  after(() => updateSettings({ 'bedrockLlama.modelId': undefined, 'bedrockLlama.routing': undefined, 'bedrockLlama.taskModels': undefined }));
  beforeEach(() => workbench().closeAllEditors());

  it('an inline summary goes to Llama 3.2 3B; the status bar says which model wrote it and what it cost', async () => {
    const wb = workbench();
    await wb.openFile('sample.ts');
    await selectLines(2, 3);
    localBedrock().enqueue(textResponse('Returns n for 0 and 1, else the sum of the two previous numbers.', { chunks: 4, ...COUNTS }));
    await wb.runCommand('Llama: Summarize Selection Inline');
    // Llama 3.2 3B: 1,200 tokens at $0.15 per 1M = $0.00018.
    const said = await wb.waitForStatusBarText(/^Llama: summary by /, 15_000);
    assert.equal(said, 'Llama: summary by Llama 3.2 3B Instruct (routed: a small task) · 1k in · 200 out · $0.0002');
    assert.equal(localBedrock().requests.at(-1)?.modelId, 'us.meta.llama3-2-3b-instruct-v1:0');
    for (const deadline = Date.now() + 10_000; Date.now() < deadline; await sleep(100)) {
      if ((await wb.editorText()).includes('two previous numbers.')) break;
    }
    await wb.screenshot('routing-summary-status-bar');
    await wb.page.keyboard.press('Control+Z');
  });

  it('a chat answer routed by taskModels names its model; "Ask <selected model>" answers again with the selected one', async () => {
    await updateSettings({ 'bedrockLlama.taskModels': { chat: 'us.meta.llama3-1-8b-instruct-v1:0' } });
    const frame = await openChat();
    await newChat(frame);
    localBedrock().enqueue(textResponse('Hello from the small model.', COUNTS));
    const turn = await ask(frame, 'Say hello.');
    assert.equal(localBedrock().requests.at(-1)?.modelId, 'us.meta.llama3-1-8b-instruct-v1:0');
    const usage = turn.locator('.turn-status .usage');
    assert.match(await usage.innerText(), /^Llama 3\.1 8B Instruct \(routed\) · 1k in · 200 out · \$0\.0003$/);
    assert.match((await usage.getAttribute('title')) ?? '', /^Answered by us\.meta\.llama3-1-8b-instruct-v1:0 \(routed: bedrockLlama\.taskModels names it for this task\): /);
    const button = turn.locator('button[data-turn-action="askSelected"]');
    assert.equal((await button.innerText()).trim(), 'Ask Llama 3.3 70B Instruct');
    await workbench().screenshot('routing-chat-ask-selected');

    localBedrock().enqueue(textResponse('Hello from the selected model.', COUNTS));
    await button.focus();
    await workbench().page.keyboard.press('Enter');
    await turn.locator('.answer', { hasText: 'Hello from the selected model.' }).waitFor({ timeout: 15_000 });
    await turn.locator('.turn-status .usage', { hasText: /^Llama 3\.3 70B Instruct · / }).waitFor();
    await rendered(frame);
    assert.equal(localBedrock().requests.at(-1)?.modelId, `us.${SELECTED}`);
    assert.equal(await turn.locator('button[data-turn-action="askSelected"]').count(), 0, 'answered by the selected model: nothing to offer');
    assert.equal(await frame.locator('article.turn').count(), 1, 'the same turn, answered again');
    assert.doesNotMatch(await lastTurn(frame).locator('.answer').innerText(), /small model/);
    await workbench().screenshot('routing-chat-after-ask-selected');
  });
});
