/** The `@llama` participant's id (package.json `chatParticipants`). */
export const PARTICIPANT_ID = 'bedrockLlama.llama';
/** The vendor of package.json `languageModelChatProviders`. */
export const LM_VENDOR = 'bedrock-llama';
