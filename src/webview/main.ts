// The chat webview: a view of the state the extension sends. It says `ready` once it
// listens, gets the whole state back, then follows turns, deltas and status changes.
// Everything that arrives is checked against the protocol first.
import './chat.css';
import { describeDropped, parseToWebview, type Busy, type ToWebview } from '../shared/chatProtocol';
import { h } from './dom';
import { Composer } from './composer';
import { Header } from './header';
import { HistoryPanel } from './historyPanel';
import { createMarkdownRenderer } from './markdown';
import { Notices } from './notices';
import { Transcript } from './transcript';
import { post } from './vscodeApi';

const header = new Header();
const history = new HistoryPanel(header.historyToggle);
const notices = new Notices();
const transcript = new Transcript(createMarkdownRenderer(window));
const composer = new Composer(notices);
const loading = h('div', { class: 'empty' }, 'Loading the chat…');
document.getElementById('app')?.append(header.element, history.element, notices.element, transcript.element, composer.element);
transcript.element.append(loading);

let conversationId = '';
let busy: Busy | undefined;

function receive(msg: ToWebview): void {
  switch (msg.type) {
    case 'state': {
      const { state } = msg;
      conversationId = state.conversation.id;
      busy = state.busy;
      header.setModel(state.model);
      notices.setProblem(state.model.problem);
      history.set(state.history, conversationId);
      transcript.setSelectedModel(state.model);
      transcript.show(state.conversation, busy);
      composer.setModel(state.model.vision, state.model.label);
      composer.setPending(state.pending);
      composer.setBusy(busy);
      return;
    }
    case 'turn':
      if (msg.conversationId === conversationId) transcript.upsert(msg.turn);
      return;
    case 'delta':
      if (msg.conversationId === conversationId) transcript.append(msg.turnId, msg.text);
      return;
    case 'busy':
      busy = msg.busy;
      transcript.setBusy(busy);
      composer.setBusy(busy);
      return;
    case 'history':
      history.set(msg.items, conversationId);
      return;
    case 'model':
      header.setModel(msg.model);
      notices.setProblem(msg.model.problem);
      composer.setModel(msg.model.vision, msg.model.label);
      transcript.setSelectedModel(msg.model);
      return;
    case 'pending':
      composer.setPending(msg.attachment);
      return;
    case 'notice':
      notices.show(msg.message);
      return;
    case 'estimate':
      composer.setEstimate(msg.text);
      return;
    case 'focusInput':
      composer.focus();
      return;
    default: {
      const _exhaustive: never = msg;
      return _exhaustive;
    }
  }
}

window.addEventListener('message', (e: MessageEvent<unknown>) => {
  const msg = parseToWebview(e.data);
  if (msg) receive(msg);
  else console.warn(`Llama chat: dropped a ${describeDropped(e.data)}`);
});

// Escape stops the answer from anywhere in the chat (the history panel handles its own Escape first).
document.addEventListener('keydown', (e) => {
  if (e.key === 'Escape' && busy && !e.defaultPrevented) {
    e.preventDefault();
    composer.stop();
  }
});

post({ type: 'ready' });
