// Llama 2 has no tool format and strictly alternates user and assistant, so a VS Code
// conversation is folded into templates.ts's turn pairs and rendered by llama2Prompt itself:
// calls and results become plain text, consecutive messages of one role are joined.
import { llama2Prompt } from '../templates';
import type { ChatTurn } from '../types';
import { describeCall } from './encodeCall';
import type { ChatMessage } from './types';

export function llama2ChatPrompt(system: string, messages: readonly ChatMessage[]): string {
  const names = new Map<string, string>();
  const folded: { role: 'user' | 'assistant'; text: string }[] = [];
  let images = 0;
  for (const m of messages) {
    const blocks: string[] = [];
    let text = '';
    for (const p of m.parts) {
      if (p.kind === 'text') text += p.text;
      else if (p.kind === 'image') images++;
      else if (p.kind === 'toolCall') {
        names.set(p.callId, p.name);
        blocks.push(describeCall(p));
      } else blocks.push(`Result of ${names.get(p.callId) ?? 'a tool call'}:\n${p.content}`);
    }
    const body = [text, ...blocks].filter((s) => s !== '').join('\n\n');
    const prev = folded[folded.length - 1];
    if (prev?.role === m.role) prev.text = [prev.text, body].filter((s) => s !== '').join('\n\n');
    else folded.push({ role: m.role, text: body });
  }
  if (folded[0]?.role === 'assistant') folded.unshift({ role: 'user', text: '' });
  const prefix = folded[folded.length - 1]?.role === 'assistant' ? folded.pop()?.text : undefined;
  const user = folded.pop()?.text ?? '';
  const turns: ChatTurn[] = [];
  for (let i = 0; i + 1 < folded.length; i += 2) turns.push({ user: folded[i].text, assistant: folded[i + 1].text });
  // llama2Prompt refuses images itself.
  return llama2Prompt({ system, turns, user, assistantPrefix: prefix, images });
}
