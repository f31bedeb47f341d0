// The chat's view and panel ids (package.json), apart so activation can register them
// without loading the chat itself.
export const CHAT_VIEW_ID = 'bedrockLlama.chatView';
export const CHAT_PANEL_TYPE = 'bedrockLlama.chatPanel';
