// Meta's instructions that describe user-defined tools to the model, per dialect, verbatim
// from meta-llama/llama-models (the prompt_format.md files; the generators they come from
// are models/llama3/prompt_templates/system_prompts.py, in llama-models until Feb 2025, now
// llama_stack/models/llama/llama{3,4}/prompt_templates/system_prompts.py in llama-stack).
// The texts are returned raw: the builder neutralises them with the rest of the message,
// which is what keeps control tokens in tool names, descriptions and schemas harmless.
import { metaJson } from './metaJson';
import type { ToolMode, ToolSpec } from './types';

// llama-stack prompt_adapter.py `_get_tool_choice_prompt`, for ToolChoice.required.
const TOOL_REQUIRED = 'You MUST use one of the provided functions/tools to answer the user query.';

// models/llama3_2/text_prompt_format.md and models/llama3_3/prompt_format.md, "Zero shot
// function calling" (PythonListCustomToolGenerator: DEFAULT_PROMPT + function_description).
const LLAMA3_PYTHONIC =
  'You are an expert in composing functions. You are given a question and a set of possible functions.\n' +
  'Based on the question, you will need to make one or more function/tool calls to achieve the purpose.\n' +
  'If none of the function can be used, point it out. If the given question lacks the parameters required by the function,\n' +
  'also point it out. You should only return the function call in tools call sections.\n\n' +
  'If you decide to invoke any of the function(s), you MUST put it in the format of [func_name1(params_name1=params_value1, params_name2=params_value2...), func_name2(params)]\n' +
  'You SHOULD NOT include any other text in the response.\n\n' +
  'Here is a list of functions in JSON format that you can invoke.\n\n';

// models/llama4/prompt_format.md, "Zero shot function calling - system message".
const LLAMA4_PYTHONIC = `You are a helpful assistant and an expert in function composition. You can answer general questions using your internal knowledge OR invoke functions when necessary. Follow these strict guidelines:

1. FUNCTION CALLS:
- ONLY use functions that are EXPLICITLY listed in the function list below
- If NO functions are listed (empty function list []), respond ONLY with internal knowledge or "I don't have access to [Unavailable service] information"
- If a function is not in the list, respond ONLY with internal knowledge or "I don't have access to [Unavailable service] information"
- If ALL required parameters are present AND the query EXACTLY matches a listed function's purpose: output ONLY the function call(s)
- Use exact format: [func_name1(param1=value1, param2=value2), func_name2(...)]
Examples:
CORRECT: [get_weather(location="Vancouver"), calculate_route(start="Boston", end="New York")] <- Only if get_weather and calculate_route are in function list
INCORRECT: get_weather(location="New York")
INCORRECT: Let me check the weather: [get_weather(location="New York")]
INCORRECT: [get_events(location="Singapore")] <- If function not in list

2. RESPONSE RULES:
- For pure function requests matching a listed function: ONLY output the function call(s)
- For knowledge questions: ONLY output text
- For missing parameters: ONLY request the specific missing parameters
- For unavailable services (not in function list): output ONLY with internal knowledge or "I don't have access to [Unavailable service] information". Do NOT execute a function call.
- If the query asks for information beyond what a listed function provides: output ONLY with internal knowledge about your limitations
- NEVER combine text and function calls in the same response
- NEVER suggest alternative functions when the requested service is unavailable
- NEVER create or invent new functions not listed below

3. STRICT BOUNDARIES:
- ONLY use functions from the list below - no exceptions
- NEVER use a function as an alternative to unavailable information
- NEVER call functions not present in the function list
- NEVER add explanatory text to function calls
- NEVER respond with empty brackets
- Use proper Python/JSON syntax for function calls
- Check the function list carefully before responding

4. TOOL RESPONSE HANDLING:
- When receiving tool responses: provide concise, natural language responses
- Don't repeat tool response verbatim
- Don't add supplementary information

Here is a list of functions in JSON format that you can invoke:
`;

// models/llama3_1/prompt_format.md, "JSON based tool calling" (JsonCustomToolGenerator):
// the tool list goes in a user message of its own, after the system message.
const LLAMA3_JSON_HEAD =
  "Answer the user's question by making use of the following functions if needed.\n" +
  'If none of the function can be used, please say so.\n' +
  'Here is a list of functions in JSON format:\n';
const LLAMA3_JSON_TAIL = '\n\nReturn function calls in JSON format.';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** Python's `strftime("%d %B %Y")`, as SystemDefaultGenerator writes "Today Date". */
export function metaDate(d: Date): string {
  return `${String(d.getDate()).padStart(2, '0')} ${MONTHS[d.getMonth()]} ${d.getFullYear()}`;
}

/** The schema's parts Meta's generators print (type, required, properties), in their order, then any others. */
function schemaParts(tool: ToolSpec): { required: unknown[]; properties: unknown; rest: Record<string, unknown> } {
  const { type: _type, $schema: _schema, required, properties, ...rest } = (tool.inputSchema ?? {}) as Record<string, unknown>;
  return { required: Array.isArray(required) ? [...required] : [], properties: properties ?? {}, rest };
}

/**
 * The pythonic dialects' list: Meta's generator prints each parameter's type, description
 * and default under `"type": "dict"`; a VS Code tool's JSON schema has those (and more) per
 * property already, so its properties are printed as they are. "required" on one line for
 * Llama 4, over lines for Llama 3 (see metaJson.ts).
 */
function pythonicToolList(tools: readonly ToolSpec[], inlineRequired: boolean): string {
  const inline = new Set<unknown>();
  const list = tools.map((t) => {
    const { required, properties, rest } = schemaParts(t);
    if (inlineRequired) inline.add(required);
    return { name: t.name, description: t.description, parameters: { type: 'dict', required, properties, ...rest } };
  });
  return metaJson(list, inline);
}

/** JsonCustomToolGenerator's shape, `{"type": "function", "function": {name, description, parameters}}`, with the real schema as parameters. */
function jsonTool(t: ToolSpec): string {
  const { required, properties, rest } = schemaParts(t);
  const parameters = { type: 'object', properties, required, ...rest };
  return metaJson({ type: 'function', function: { name: t.name, description: t.description, parameters } }, new Set([required]));
}

/**
 * The system message of the pythonic dialects, as llama-stack's `augment_messages_for_tools_llama`
 * assembles it: the tool prompt, then the caller's system text, then the tool-choice rule,
 * one line break apart.
 */
export function pythonicSystem(dialect: 'llama3-pythonic' | 'llama4-pythonic', tools: readonly ToolSpec[], system: string, mode: ToolMode): string {
  const l4 = dialect === 'llama4-pythonic';
  return [(l4 ? LLAMA4_PYTHONIC : LLAMA3_PYTHONIC) + pythonicToolList(tools, l4), system, mode === 'required' ? TOOL_REQUIRED : '']
    .filter((s) => s !== '').join('\n');
}

/**
 * The Llama 3.1 JSON dialect's system message, as in models/llama3_1/prompt_format.md:
 * `Environment: ipython` (turns on tool calls, `<|python_tag|>` and `<|eom_id|>`), the
 * knowledge and today dates, then the caller's system text (and the tool-choice rule).
 */
export function jsonSystem(system: string, mode: ToolMode, today: Date): string {
  let out = `Environment: ipython\n\nCutting Knowledge Date: December 2023\nToday Date: ${metaDate(today)}`;
  if (system) out += `\n\n${system}`;
  if (mode === 'required') out += `\n${TOOL_REQUIRED}`;
  return out;
}

/** The Llama 3.1 JSON dialect's user message that lists the tools. */
export function jsonToolsMessage(tools: readonly ToolSpec[]): string {
  return LLAMA3_JSON_HEAD + tools.map(jsonTool).join('\n') + LLAMA3_JSON_TAIL;
}
