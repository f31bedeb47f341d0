// The webview's side of the channel: typed posts, and the draft kept in webview state so
// hiding the view (which unloads the page) does not lose what the user was typing.
import { isRecord } from '../core/chat/guards';
import type { FromWebview } from '../shared/chatProtocol';

interface WebviewApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): WebviewApi;

/** The page's one handle (VS Code allows one `acquireVsCodeApi()` per page); the usage view's page uses it too. */
export const api = acquireVsCodeApi();

export function post(msg: FromWebview): void {
  api.postMessage(msg);
}

export function savedDraft(): string {
  const state = api.getState();
  return isRecord(state) && typeof state.draft === 'string' ? state.draft : '';
}

export function saveDraft(draft: string): void {
  api.setState({ draft });
}
