// The one protocol between the extension and the chat webview, imported by both bundles.
// Each side parses what arrives with the guards below and drops (and logs) anything
// else. The webview says `ready` first; the extension sends nothing to it before that.
import type { Conversation, ErrorAction, Turn } from '../core/chat/conversation';
import { arrayOf, exact, isBoolean, isCount, isFiniteNumber, maxLength, oneOf, optional, type Check, type Shape } from '../core/chat/guards';
import type { HistoryItem } from '../core/chat/history';
import { isAttachment, isConversation, isTurn, LIMITS } from '../core/chat/validate';
import type { Attachment } from '../core/prompt';
import { parseMessage, type Schemas } from './messages';

export { describeDropped } from './messages';

/** Llama 3.2 Vision is trained on one image per prompt. */
export const MAX_IMAGES = 1;
/** Bytes of one image file (Bedrock's per-image limit for Llama 3.2 is 3.75 MB). */
export const MAX_IMAGE_BYTES = 3_750_000;
export const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const;

export interface ModelOption {
  id: string;
  label: string;
  vision: boolean;
  legacy: boolean;
}

export interface ModelState {
  /** `bedrockLlama.modelId` as set (may be a profile id or ARN). */
  id: string;
  /** Catalog name, or the id when the model is not in the catalog. */
  label: string;
  vision: boolean;
  options: ModelOption[];
  /** Why nothing can be sent (invalid settings), when so. */
  problem?: string;
}

/** The request in flight and the turn it streams into. */
export interface Busy {
  requestId: string;
  turnId: string;
  /** The model answers all at once (InvokeModel): when the wait began (epoch ms), and the model id sent. */
  wholeAnswer?: { since: number; model: string };
}

export interface ChatState {
  conversation: Conversation;
  history: HistoryItem[];
  model: ModelState;
  busy?: Busy;
  /** Code attached to the next message. */
  pending?: Attachment;
}

export type ToWebview =
  | { type: 'state'; state: ChatState }
  /** A turn was added or changed status; its full text comes along (deltas carry the rest). */
  | { type: 'turn'; conversationId: string; title: string; turn: Turn }
  | { type: 'delta'; conversationId: string; turnId: string; text: string }
  | { type: 'busy'; busy?: Busy }
  | { type: 'history'; items: HistoryItem[] }
  | { type: 'model'; model: ModelState }
  | { type: 'pending'; attachment?: Attachment }
  | { type: 'notice'; message: string }
  /** The cost estimate of the message being written (answers `draft`). */
  | { type: 'estimate'; text: string }
  | { type: 'focusInput' };

export type FromWebview =
  | { type: 'ready' }
  /** `images`: base64 without a `data:` prefix. */
  | { type: 'send'; requestId: string; text: string; images: string[] }
  /** The message being written, for its cost estimate (`images`: how many are attached). */
  | { type: 'draft'; text: string; images: number }
  | { type: 'cancel'; requestId: string }
  | { type: 'continue'; requestId: string; turnId: string }
  | { type: 'retry'; requestId: string; turnId: string }
  /** A cached answer's "Ask again": the round again, past the response cache. */
  | { type: 'askAgain'; requestId: string; turnId: string }
  /** A routed answer's "Ask <selected model>": the round again, on the selected model. */
  | { type: 'askSelected'; requestId: string; turnId: string }
  | { type: 'newChat' }
  | { type: 'openConversation'; id: string }
  /** Without `title` the extension asks for one. */
  | { type: 'renameConversation'; id: string; title?: string }
  | { type: 'deleteConversation'; id: string }
  | { type: 'exportConversation'; id: string }
  /** Without `modelId`: the Select Model… quick pick (custom ids and ARNs). */
  | { type: 'selectModel'; modelId?: string }
  | { type: 'attach'; source: 'selection' | 'file' }
  | { type: 'detach' }
  | { type: 'copy'; text: string }
  | { type: 'insertCode'; code: string; replace: boolean }
  | { type: 'openLink'; href: string }
  /** A failed turn's action (`turnId`: which turn, for Retry after Sign In); a notice's action has none. */
  | { type: 'runAction'; action: ErrorAction; turnId?: string };

const requestId: Check = (v) => typeof v === 'string' && /^[\w-]{1,100}$/.test(v);
const id = maxLength(LIMITS.id);
const text = maxLength(LIMITS.text);
const base64Image: Check = (v) =>
  typeof v === 'string' && v.length > 0 && v.length <= Math.ceil(MAX_IMAGE_BYTES / 3) * 4 && /^[A-Za-z0-9+/]+={0,2}$/.test(v);

const historyItem: Check = exact({ id, title: maxLength(LIMITS.title), turns: isCount, updatedAt: isFiniteNumber } satisfies Shape<HistoryItem>);
const modelOption: Check = exact({ id: maxLength(2048), label: maxLength(200), vision: isBoolean, legacy: isBoolean } satisfies Shape<ModelOption>);
const modelState: Check = exact({
  id: maxLength(2048),
  label: maxLength(2048),
  vision: isBoolean,
  options: arrayOf(modelOption, 100),
  problem: optional(maxLength(10_000)),
} satisfies Shape<ModelState>);
const wholeAnswer: Check = exact({ since: isCount, model: maxLength(2048) } satisfies Shape<NonNullable<Busy['wholeAnswer']>>);
const busy: Check = exact({ requestId, turnId: id, wholeAnswer: optional(wholeAnswer) } satisfies Shape<Busy>);
const chatState: Check = exact({
  conversation: isConversation,
  history: arrayOf(historyItem, 1000),
  model: modelState,
  busy: optional(busy),
  pending: optional(isAttachment),
} satisfies Shape<ChatState>);

const TO_WEBVIEW: Schemas<ToWebview> = {
  state: { state: chatState },
  turn: { conversationId: id, title: maxLength(LIMITS.title), turn: isTurn },
  delta: { conversationId: id, turnId: id, text: maxLength(LIMITS.answer) },
  busy: { busy: optional(busy) },
  history: { items: arrayOf(historyItem, 1000) },
  model: { model: modelState },
  pending: { attachment: optional(isAttachment) },
  notice: { message: maxLength(10_000) },
  estimate: { text: maxLength(500) },
  focusInput: {},
};

const FROM_WEBVIEW: Schemas<FromWebview> = {
  ready: {},
  send: { requestId, text, images: arrayOf(base64Image, MAX_IMAGES) },
  draft: { text, images: isCount },
  cancel: { requestId },
  continue: { requestId, turnId: id },
  retry: { requestId, turnId: id },
  askAgain: { requestId, turnId: id },
  askSelected: { requestId, turnId: id },
  newChat: {},
  openConversation: { id },
  renameConversation: { id, title: optional(maxLength(LIMITS.title)) },
  deleteConversation: { id },
  exportConversation: { id },
  selectModel: { modelId: optional(maxLength(2048)) },
  attach: { source: oneOf('selection', 'file') },
  detach: {},
  copy: { text: maxLength(LIMITS.answer) },
  insertCode: { code: maxLength(LIMITS.answer), replace: isBoolean },
  openLink: { href: maxLength(8192) },
  runAction: { action: oneOf('signIn', 'setApiKey', 'selectModel', 'openSettings', 'showLog'), turnId: optional(id) },
};

/** The message if it is a well-formed FromWebview, else undefined. */
export function parseFromWebview(value: unknown): FromWebview | undefined {
  return parseMessage(FROM_WEBVIEW, value);
}

/** The message if it is a well-formed ToWebview, else undefined. */
export function parseToWebview(value: unknown): ToWebview | undefined {
  return parseMessage(TO_WEBVIEW, value);
}
