// A conversation as a Markdown document, for Export: the messages, the attached code as
// fenced blocks, and each answer as the model wrote it (it is Markdown already).
import { redact } from '../bedrock/redact';
import { formatTokens, formatUsd } from '../pricing';
import { attachmentLabel, type Conversation, type Turn } from './conversation';

export function conversationToMarkdown(conversation: Conversation, now = new Date()): string {
  const title = conversation.title || 'Chat';
  const parts = [`# ${title}`, `_Exported from Llama on Bedrock on ${now.toISOString().slice(0, 10)}._`];
  for (const turn of conversation.turns) parts.push(userPart(turn), answerPart(turn));
  return `${parts.join('\n\n')}\n`;
}

function userPart(turn: Turn): string {
  const lines = [`## You`, '', quote(turn.text)];
  if (turn.images > 0) lines.push('', `_${turn.images} image${turn.images === 1 ? '' : 's'} attached._`);
  const a = turn.attachment;
  if (a) {
    const fence = fenceFor(a.text);
    lines.push('', `_${attachmentLabel(a)}_`, '', `${fence}${a.languageId ?? ''}`, a.text.replace(/\n$/, ''), fence);
  }
  return lines.join('\n');
}

function answerPart(turn: Turn): string {
  const lines = ['## Llama', '', turn.answer.trim() || '_(no answer)_'];
  const notes: string[] = [];
  if (turn.status === 'cut') notes.push('cut off at the length limit');
  if (turn.status === 'stopped') notes.push('stopped');
  if (turn.status === 'error' && turn.error) notes.push(`failed: ${redact(turn.error.message)}`);
  if (turn.usage) notes.push(`${formatTokens(turn.usage.inputTokens)} in, ${formatTokens(turn.usage.outputTokens)} out, ${formatUsd(turn.costUsd)}`);
  if (turn.modelId) notes.push(turn.modelId);
  if (notes.length) lines.push('', `_${notes.join(' · ')}_`);
  return lines.join('\n');
}

/** Each line of the user's text as a quote, so it cannot turn into headings of the export. */
function quote(text: string): string {
  return text.split('\n').map((l) => (l ? `> ${l}` : '>')).join('\n');
}

function fenceFor(text: string): string {
  let longest = 2;
  for (const m of text.matchAll(/^[ \t]*(`{3,})/gm)) longest = Math.max(longest, m[1].length);
  return '`'.repeat(longest + 1);
}
