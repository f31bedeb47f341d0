// Select Model… as this account sees it: after Refresh Model List, the quick pick groups the
// local server's discovery answers by route, and picking an application inference profile by
// its name with the keyboard writes its ARN; the next request is sent to that ARN with the
// Llama 3 template of the model behind it.
import { strict as assert } from 'node:assert';
import { TEST_APPLICATION_PROFILE_ARN, TEST_APPLICATION_PROFILE_NAME } from '../server/controlPlane';
import type { BedrockTestServer } from '../server/bedrockServer';
import { ask, newChat, openChat, promptOf, until } from './support/chat';
import { localBedrock, updateSettings, userSettings, workbench } from './support/fixture';

const QUICK_INPUT = '.quick-input-widget';

describe('model picker from discovery', function () {
  this.timeout(90_000);
  let server: BedrockTestServer;

  before(() => { server = localBedrock(); });
  after(() => updateSettings({ 'bedrockLlama.modelId': undefined }));

  it('groups what Bedrock listed by route, and an application profile picked by its name is what requests go to', async () => {
    const wb = workbench();
    const page = wb.page;
    await wb.runCommand('Llama: Refresh Model List');
    await page.locator('.notifications-toasts', { hasText: /Found \d+ Llama models, \d+ inference profiles, \d+ custom models? and \d+ provisioned throughputs? in us-west-2/ }).waitFor({ timeout: 20_000 });

    await wb.runCommand('Llama: Select Model…');
    await page.locator(`${QUICK_INPUT} .quick-input-title`, { hasText: 'Llama: Select Model' }).waitFor();
    const list = page.locator(`${QUICK_INPUT} .quick-input-list`);
    // The list is virtualized: only the first groups are on screen; the application profile is found by filtering below.
    for (const group of ['In region (us-west-2)', 'US cross-region profiles (us.)']) {
      // Attached, not visible: VS Code hides a group's label on the row that has the focus.
      await list.locator('.quick-input-list-separator', { hasText: group }).first().waitFor({ state: 'attached', timeout: 5_000 });
    }
    const labels = await wb.quickPickLabels();
    assert.ok(labels.some((l) => /Llama 4 Maverick 17B Instruct/.test(l)), JSON.stringify(labels));
    assert.ok(await list.getByText(/answers at once/).first().isVisible(), 'Llama 4 rows say they answer at once');
    await wb.screenshot('select-model-grouped');

    // Filter by the profile's name, then Enter on it.
    await page.keyboard.type(TEST_APPLICATION_PROFILE_NAME);
    await page.locator(`${QUICK_INPUT} .quick-input-list .monaco-list-row.focused`, { hasText: TEST_APPLICATION_PROFILE_NAME }).waitFor();
    // The row names the profile and shows its ARN and the model behind it.
    await list.locator('.monaco-list-row.focused', { hasText: 'application-inference-profile/' }).waitFor({ timeout: 5_000 });
    await list.locator('.monaco-list-row.focused', { hasText: 'Llama 3.3 70B' }).waitFor({ timeout: 5_000 });
    await wb.screenshot('select-model-application-profile');
    await page.keyboard.press('Enter');
    await page.locator(QUICK_INPUT).waitFor({ state: 'hidden' });
    await until('the ARN in the user settings', () => userSettings()['bedrockLlama.modelId'] === TEST_APPLICATION_PROFILE_ARN);

    const frame = await openChat();
    await newChat(frame);
    const before = server.requests.length;
    await ask(frame, 'Which model are you?');
    const sent = server.requests[before];
    assert.equal(sent.modelId, TEST_APPLICATION_PROFILE_ARN);
    assert.ok(promptOf(server, before).startsWith('<|begin_of_text|><|start_header_id|>system'), 'the template of the model behind the profile');
  });
});
