// The usage view's panel type, apart so activation can register its serializer without loading
// the view itself (package.json activates on `onWebviewPanel:` + this id).
export const USAGE_PANEL_TYPE = 'bedrockLlama.usagePanel';
