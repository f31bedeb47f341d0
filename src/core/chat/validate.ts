// Exact shapes of the conversation model's data, for what comes back from storage or
// across the webview boundary. Limits keep a corrupt or hostile value from ballooning.
import type { Attachment } from '../prompt';
import type { TokenUsage } from '../types';
import type { Conversation, EditorTurnRequest, Turn, TurnError } from './conversation';
import { arrayOf, exact, isBoolean, isCount, isFiniteNumber, maxLength, oneOf, optional, type Check, type Shape } from './guards';

/** Generous bounds: a whole source file, a long answer, a long chat. */
export const LIMITS = {
  text: 200_000,
  attachment: 2_000_000,
  answer: 1_000_000,
  title: 200,
  /** A bound against hostile values, above history's MAX_TURNS; stored turns are read one by one and the history trims them to its cap. */
  turns: 1000,
  id: 100,
} as const;

const id = maxLength(LIMITS.id);

const attachmentShape: Shape<Attachment> = {
  fileName: optional(maxLength(1000)),
  languageId: optional(maxLength(100)),
  text: maxLength(LIMITS.attachment),
  startLine: optional(isCount),
  endLine: optional(isCount),
};
export const isAttachment: Check = exact(attachmentShape);

export const isTask: Check = (v) =>
  exact({ kind: oneOf('explain') })(v) ||
  exact({ kind: oneOf('ask'), question: maxLength(LIMITS.text) })(v) ||
  exact({ kind: oneOf('chat'), message: maxLength(LIMITS.text) })(v);

const usageShape: Shape<TokenUsage> = { inputTokens: isCount, outputTokens: isCount };
const errorShape: Shape<TurnError> = {
  message: maxLength(10_000),
  actions: arrayOf(oneOf('signIn', 'setApiKey', 'selectModel', 'openSettings', 'showLog'), 5),
};

const turnShape: Shape<Turn> = {
  id,
  text: maxLength(LIMITS.text),
  task: isTask,
  attachment: optional(isAttachment),
  images: isCount,
  answer: maxLength(LIMITS.answer),
  status: oneOf('streaming', 'done', 'stopped', 'cut', 'error'),
  roundStart: isCount,
  usage: optional(exact(usageShape)),
  costUsd: optional(isFiniteNumber),
  estimated: optional(isBoolean),
  cached: optional(isBoolean),
  modelId: optional(maxLength(2048)),
  routed: optional(oneOf('taskModel', 'smallTask')),
  error: optional(exact(errorShape)),
  createdAt: isFiniteNumber,
};
export const isTurn: Check = exact(turnShape);

const conversationShape: Shape<Conversation> = {
  id,
  title: maxLength(LIMITS.title),
  turns: arrayOf(isTurn, LIMITS.turns),
  createdAt: isFiniteNumber,
  updatedAt: isFiniteNumber,
  trimmed: optional(isCount),
};
export const isConversation: Check = exact(conversationShape);

const editorTurnShape: Shape<EditorTurnRequest> = {
  task: isTask,
  attachment: optional(isAttachment),
  displayText: maxLength(LIMITS.text),
};
/** For the argument of `bedrockLlama.openChat`, which any extension can pass. */
export const isEditorTurnRequest = exact(editorTurnShape) as (v: unknown) => v is EditorTurnRequest;
