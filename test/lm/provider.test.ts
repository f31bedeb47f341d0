// Llama on Bedrock as a language model of VS Code (1.104+), used the way other extensions use
// one: the consumer test extension calls vscode.lm.selectChatModels({ vendor: 'bedrock-llama' })
// and model.sendRequest, against the local Bedrock server. Plain text in the family's own
// template, an image for a vision model, one tool round trip (call, result, final answer),
// cancellation reaching Bedrock, the usage on the meter as VS Code chat, a budget refusing a
// request, token counts; and @llama's handler answering /explain about the selection.
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import { estimateTokens } from '../../src/core/tokenCount';
import type { ExtensionApi } from '../../src/extension';
import { activate, consumer, setSetting, textResponse, until, useLocalBedrock, type LmConsumerApi } from './support/lm';

const VENDOR = 'bedrock-llama';
const TEXT_MODEL = 'us.meta.llama3-3-70b-instruct-v1:0';
const VISION_MODEL = 'us.meta.llama3-2-11b-instruct-v1:0';
const KEYS = ['modelId', 'region', 'dailyBudgetUsd', 'budgetAction', 'pricing'];
// 1×1 PNG.
const PIXEL = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

const WEATHER_TOOL = {
  name: 'get_weather',
  description: 'Get weather info for places',
  inputSchema: { type: 'object', properties: { city: { type: 'string', description: 'The name of the city' } }, required: ['city'] },
};

describe('Llama on Bedrock in VS Code\'s language model API', function () {
  this.timeout(60_000);
  const bedrock = useLocalBedrock();
  let api: ExtensionApi;
  let lm: LmConsumerApi;

  before(async () => {
    api = await activate();
    await setSetting('modelId', TEXT_MODEL);
    await setSetting('region', 'us-west-2');
    lm = await consumer();
    await lm.waitForChatModels({ vendor: VENDOR }, 20_000);
  });
  after(async () => {
    for (const key of KEYS) await setSetting(key, undefined);
  });

  const prompts = () => bedrock().requests.map((r) => (r.body as { prompt?: string }).prompt ?? '');

  it('lists the Llama models with their windows: "Llama 3.3 70B Instruct (Bedrock)"', async () => {
    const models = await lm.selectChatModels({ vendor: VENDOR });
    const names = models.map((m) => m.name);
    assert.ok(names.includes('Llama 3.3 70B Instruct (Bedrock)'), names.join(', '));
    const llama33 = models.find((m) => m.name === 'Llama 3.3 70B Instruct (Bedrock)');
    assert.equal(llama33?.family, 'llama-3.3-70b-instruct');
    const settings = api.services.settings.current;
    assert.ok(settings.ok);
    assert.equal(llama33?.maxInputTokens, 128_000 - settings.config.maxGenLen, 'the window less the answer\'s room (bedrockLlama.maxGenLen)');
    assert.ok(models.some((m) => m.id === VISION_MODEL), 'a vision model is offered');
  });

  it('plain text: the Llama 3 template on the wire, the answer streamed back, booked as VS Code chat', async () => {
    const before = api.services.usage.ledger.taskTotals().vscodeChat?.requests ?? 0;
    bedrock().enqueue(textResponse('Hello from Llama.', { chunks: 3 }));
    const result = await lm.sendRequest({ selector: { vendor: VENDOR, id: TEXT_MODEL }, messages: 'Say hello <|eot_id|> please' });
    assert.equal(result.text, 'Hello from Llama.');
    assert.ok(result.parts.length >= 1);
    const [prompt] = prompts();
    assert.match(prompt, /^<\|begin_of_text\|><\|start_header_id\|>system<\|end_header_id\|>\n\n/);
    assert.ok(prompt.endsWith('<|start_header_id|>assistant<|end_header_id|>\n\n'));
    assert.ok(prompt.includes('<|start_header_id|>user<|end_header_id|>\n\nSay hello <\u200B|eot_id|> please<|eot_id|>'), 'the control token in the message is neutralised');
    assert.equal(bedrock().requests[0].modelId, TEXT_MODEL);
    await until('the meter to book it', () => (api.services.usage.ledger.taskTotals().vscodeChat?.requests ?? 0) === before + 1);
  });

  it('an image for a vision model: one <|image|> in the prompt, the bytes in the body', async () => {
    bedrock().enqueue(textResponse('A single pixel.'));
    const result = await lm.sendRequest({
      selector: { vendor: VENDOR, id: VISION_MODEL },
      messages: [{ role: 'user', parts: [{ type: 'image', mimeType: 'image/png', data: PIXEL.toString('base64') }, { type: 'text', value: 'What is this?' }] }],
    });
    assert.equal(result.text, 'A single pixel.');
    const body = bedrock().requests[0].body as { prompt: string; images?: string[] };
    assert.deepEqual(body.images, [PIXEL.toString('base64')]);
    assert.equal(body.prompt.split('<|image|>').length - 1, 1);
    assert.ok(body.prompt.includes('<|image|>What is this?<|eot_id|>'));
  });

  it('a text-only model refuses an image, saying which models take one', async () => {
    await assert.rejects(
      lm.sendRequest({ selector: { vendor: VENDOR, id: TEXT_MODEL }, messages: [{ role: 'user', parts: [{ type: 'image', mimeType: 'image/png', data: PIXEL.toString('base64') }, { type: 'text', value: 'What is this?' }] }] }),
      /does not take images; pick a vision model/,
    );
    assert.equal(bedrock().requests.length, 0, 'nothing sent');
  });

  it('one tool round trip: the tool offered in Meta\'s format, the call parsed, the result sent back, the final answer', async () => {
    bedrock().enqueue(textResponse('[get_weather(city="Paris")]', { chunks: 2 }));
    const first = await lm.sendRequest({ selector: { vendor: VENDOR, id: TEXT_MODEL }, messages: 'What is the weather in Paris?', tools: [WEATHER_TOOL] });
    assert.equal(first.text, '', 'a call, no text');
    const calls = first.parts.filter((p) => p.type === 'toolCall');
    assert.equal(calls.length, 1);
    const call = calls[0] as { callId: string; name: string; input: object };
    assert.equal(call.name, 'get_weather');
    assert.deepEqual(call.input, { city: 'Paris' });
    const offered = prompts()[0];
    assert.ok(offered.includes('If you decide to invoke any of the function(s), you MUST put it in the format of [func_name1(params_name1=params_value1, params_name2=params_value2...), func_name2(params)]'));
    assert.ok(offered.includes('"name": "get_weather"') && offered.includes('"description": "Get weather info for places"'));

    bedrock().enqueue(textResponse('It is 25 C in Paris.'));
    const second = await lm.sendRequest({
      selector: { vendor: VENDOR, id: TEXT_MODEL },
      tools: [WEATHER_TOOL],
      messages: [
        { role: 'user', parts: [{ type: 'text', value: 'What is the weather in Paris?' }] },
        { role: 'assistant', parts: [{ type: 'toolCall', callId: call.callId, name: call.name, input: call.input }] },
        { role: 'user', parts: [{ type: 'toolResult', callId: call.callId, content: '25 C' }] },
      ],
    });
    assert.equal(second.text, 'It is 25 C in Paris.');
    const roundTrip = prompts()[1];
    assert.ok(roundTrip.includes('<|start_header_id|>user<|end_header_id|>\n\nWhat is the weather in Paris?<|eot_id|>'
      + '<|start_header_id|>assistant<|end_header_id|>\n\n[get_weather(city="Paris")]<|eot_id|>'
      + '<|start_header_id|>ipython<|end_header_id|>\n\n25 C<|eot_id|>'
      + '<|start_header_id|>assistant<|end_header_id|>\n\n'), roundTrip);
  });

  it('a malformed call comes back as text, never an error', async () => {
    bedrock().enqueue(textResponse('[get_weather(city="Paris"'));
    const result = await lm.sendRequest({ selector: { vendor: VENDOR, id: TEXT_MODEL }, messages: 'Weather?', tools: [WEATHER_TOOL] });
    assert.equal(result.text, '[get_weather(city="Paris"');
    assert.equal(result.parts.filter((p) => p.type === 'toolCall').length, 0);
  });

  // VS Code 1.117 does not pass a consumer's cancellation on to the provider (both calls that carry
  // the token return once the stream starts), so the provider's own token is cancelled here, as
  // VS Code's chat view cancels it on Stop.
  it('cancellation through the provider\'s token reaches Bedrock: the connection is closed mid-answer', async () => {
    bedrock().enqueue(textResponse('one two three four five six seven eight nine ten', { chunks: 10, chunkDelayMs: 300 }));
    const [model] = api.lmChat.provider.provideLanguageModelChatInformation({ silent: true }).filter((m) => m.id === TEXT_MODEL);
    assert.ok(model);
    const source = new vscode.CancellationTokenSource();
    const parts: string[] = [];
    await api.lmChat.provider.provideLanguageModelChatResponse(model, [vscode.LanguageModelChatMessage.User('Count slowly.')], { toolMode: vscode.LanguageModelChatToolMode.Auto }, {
      report: (part) => {
        if (part instanceof vscode.LanguageModelTextPart) parts.push(part.value);
        source.cancel();
      },
    }, source.token);
    const text = parts.join('');
    assert.ok(text.length > 0 && text.length < 'one two three four five six seven eight nine ten'.length, text);
    await until('the server to see the client go', () => bedrock().requests[0]?.outcome === 'clientDisconnected', 5000);
  });

  it('a budget set to block refuses the request with the budget\'s message', async () => {
    await setSetting('pricing', { [TEXT_MODEL.replace(/^us\./, '')]: { input: 1000, output: 1000 } });
    await setSetting('dailyBudgetUsd', 0.01);
    await setSetting('budgetAction', 'block');
    await until('the budget to reach the extension', () => {
      const s = api.services.settings.current;
      return s.ok && s.config.dailyBudgetUsd === 0.01 && s.config.budgetAction === 'block';
    });
    try {
      await assert.rejects(lm.sendRequest({ selector: { vendor: VENDOR, id: TEXT_MODEL }, messages: 'An expensive question' }), (err: Error) => {
        assert.match(err.message, /budget/i);
        return true;
      });
      assert.equal(bedrock().requests.length, 0, 'nothing sent');
    } finally {
      for (const key of ['dailyBudgetUsd', 'budgetAction', 'pricing']) await setSetting(key, undefined);
    }
  });

  it('counts tokens with the estimator', async () => {
    const text = 'export function add(a: number, b: number): number { return a + b; }';
    assert.equal(await lm.countTokens({ vendor: VENDOR, id: TEXT_MODEL }, text), estimateTokens(text, 'llama3'));
  });
});

describe('@llama in VS Code\'s chat (its handler through the API)', function () {
  this.timeout(60_000);
  const bedrock = useLocalBedrock();
  let api: ExtensionApi;

  before(async () => {
    api = await activate();
    await setSetting('modelId', TEXT_MODEL);
    await setSetting('region', 'us-west-2');
  });
  after(async () => {
    for (const key of KEYS) await setSetting(key, undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('/explain answers about the selection as Markdown, with follow-ups and Open in Llama Chat', async () => {
    const doc = await vscode.workspace.openTextDocument({ language: 'typescript', content: 'export const add = (a: number, b: number) => a + b;\n' });
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(0, 0, 0, 51);
    bedrock().enqueue(textResponse('It adds **two** numbers.', { chunks: 2 }));
    const markdown: string[] = [];
    const buttons: vscode.Command[] = [];
    const stream = {
      markdown: (v: string | vscode.MarkdownString) => { markdown.push(typeof v === 'string' ? v : v.value); },
      button: (c: vscode.Command) => { buttons.push(c); },
      progress: () => undefined,
    } as unknown as vscode.ChatResponseStream;
    const request = { prompt: '', command: 'explain', references: [], toolReferences: [], model: undefined } as unknown as vscode.ChatRequest;
    const source = new vscode.CancellationTokenSource();
    const result = await api.lmChat.participant.handler(request, { history: [] }, stream, source.token) as vscode.ChatResult;
    assert.equal(result.errorDetails, undefined);
    assert.ok(markdown.join('').startsWith('It adds **two** numbers.'));
    const prompt = (bedrock().requests[0].body as { prompt: string }).prompt;
    assert.ok(prompt.includes('export const add = (a: number, b: number) => a + b;'), 'the selection went with the task');
    assert.equal(buttons[0]?.title, 'Open in Llama Chat');
    const followups = await api.lmChat.participant.followups.provideFollowups(result, { history: [] }, source.token);
    assert.ok((followups ?? []).length > 0);
    assert.ok((api.services.usage.ledger.taskTotals().vscodeChat?.requests ?? 0) >= 1, 'booked as VS Code chat');
  });

  it('/explain with no code open says what to do, and sends nothing', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const markdown: string[] = [];
    const stream = { markdown: (v: string) => { markdown.push(v); }, button: () => undefined, progress: () => undefined } as unknown as vscode.ChatResponseStream;
    const source = new vscode.CancellationTokenSource();
    await api.lmChat.participant.handler({ prompt: '', command: 'explain' } as unknown as vscode.ChatRequest, { history: [] }, stream, source.token);
    assert.match(markdown.join(''), /Open a file and select the code/);
    assert.equal(bedrock().requests.length, 0);
  });
});
