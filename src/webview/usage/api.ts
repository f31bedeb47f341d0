// The usage view's side of the channel: typed posts, and the view's own choices kept in webview
// state so hiding the panel (which unloads the page) does not reset them.
import { isRecord } from '../../core/chat/guards';
import type { FromWebview } from '../../shared/usageProtocol';
import { api } from '../vscodeApi';

export function post(msg: FromWebview): void {
  api.postMessage(msg);
}

export function savedChoice<T extends string>(key: string, allowed: readonly T[], fallback: T): T {
  const state = api.getState();
  const value = isRecord(state) ? state[key] : undefined;
  return allowed.find((a) => a === value) ?? fallback;
}

export function saveChoice(key: string, value: string): void {
  const state = api.getState();
  api.setState({ ...(isRecord(state) ? state : {}), [key]: value });
}
