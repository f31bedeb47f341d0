// Which Llama models can call user-defined tools, and in which of Meta's formats. The
// template family alone does not tell (Llama 3 and 3.1 share a chat template, only 3.1+
// was trained for tools), so the version is read from the base model id.
//
// Per meta-llama/llama-models:
// - models/llama3_1/prompt_format.md: 3.1 introduces the `ipython` role and JSON based tool calling;
// - models/llama3_2/text_prompt_format.md: 1B/3B answer in the pythonic `[func(a=1)]` format;
// - models/llama3_2/vision_prompt_format.md: 11B/90B Vision "follow the same tool calling format
//   as Llama3.1 models when inputs are text only" and "Tool Calling does NOT work with images";
// - models/llama3_3/prompt_format.md: "For Llama3.3 70B instruct models, we are continuing the
//   format for zero shot function calling, introduced in llama 3.2" (the JSON section is kept
//   there too; pass `dialect: 'llama3-json'` to buildChatPrompt to use it);
// - models/llama4/prompt_format.md: the pythonic format with Llama 4's own system prompt.
// Llama 3 (3.0) and Llama 2 have no tool format. Meta's llama-stack picks the same defaults
// (llama_stack/providers/utils/inference/prompt_adapter.py `get_default_tool_prompt_format`).
import type { ModelFamily } from '../types';
import type { ToolDialect } from './types';

export interface ToolCalling {
  /** Llama version as Meta numbers it. */
  version: '3.1' | '3.2' | '3.3' | '4';
  dialect: ToolDialect;
  /** Llama 3.2 Vision: tools are left out of a prompt that carries images. */
  noToolsWithImages: boolean;
}

// meta.llama3-1-70b-…, meta.llama3-2-11b-…, meta.llama3-70b-… (3.0: no minor part), meta.llama4-scout-17b-…
const BASE_ID = /meta\.llama(\d+)(?:-(\d+)(?=-))?-(?:[a-z]+-)?(\d+)b/i;

/**
 * The tool calling a model supports, from its id in any form that shows the base model
 * (base id, inference-profile id, ARN); `family` decides only when the id shows no version
 * (an application profile or custom model ARN): Llama 4 then, Llama 3 never (it may be 3.0).
 */
export function toolCallingFamily(modelId: string, family?: ModelFamily): ToolCalling | undefined {
  const m = BASE_ID.exec(modelId);
  if (!m) return family === 'llama4' ? { version: '4', dialect: 'llama4-pythonic', noToolsWithImages: false } : undefined;
  const [, major, minor, size] = m;
  if (major === '4') return { version: '4', dialect: 'llama4-pythonic', noToolsWithImages: false };
  if (major !== '3') return undefined;
  switch (minor) {
    case '1':
      return { version: '3.1', dialect: 'llama3-json', noToolsWithImages: false };
    case '2': {
      const vision = Number(size) >= 11;
      return { version: '3.2', dialect: vision ? 'llama3-json' : 'llama3-pythonic', noToolsWithImages: vision };
    }
    case '3':
      return { version: '3.3', dialect: 'llama3-pythonic', noToolsWithImages: false };
    default:
      return undefined;
  }
}
