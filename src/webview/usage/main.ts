// The usage view: a page of the report the extension sends. It says `ready` once it listens
// and gets the whole report back, then a new one whenever usage changes. Everything that
// arrives is checked against the protocol first.
import './usage.css';
import { describeDropped, parseToWebview, type ToWebview } from '../../shared/usageProtocol';
import { post } from './api';
import { UsageView } from './view';

const view = new UsageView();
document.getElementById('app')?.append(view.element);

/** One handler per message type: a type left out does not compile. */
const HANDLERS: { [K in ToWebview['type']]: (msg: Extract<ToWebview, { type: K }>) => void } = {
  report: (msg) => view.show(msg.report),
  exported: (msg) => view.exported(msg.ok, msg.message),
};

window.addEventListener('message', (e: MessageEvent<unknown>) => {
  const msg = parseToWebview(e.data);
  if (!msg) console.warn(`Llama usage: dropped a ${describeDropped(e.data)}`);
  else (HANDLERS[msg.type] as (m: ToWebview) => void)(msg);
});
window.addEventListener('pagehide', () => view.dispose());

post({ type: 'ready' });
