// Injected into the chat webview by bench/sections/chat.ts (through the DevTools protocol,
// which the webview's CSP does not apply to). Times each chunk as the webview handles it:
// the message handler, then everything in the animation frame that renders it (the
// webview's own flush, its scroll-to-bottom layout, and any layout still pending), paint
// excluded. The baseline renders the whole answer again per chunk with the same Markdown
// renderer (src/webview/markdown.ts) into an element beside the real answer.
import { createMarkdownRenderer } from '../../src/webview/markdown';

export interface ChunkTimes {
  /** ms per chunk, in order, for the first `measure` chunks and the last `measure`. */
  first: number[];
  last: number[];
}

export interface DeltaIds { conversationId: string; turnId: string }

/** Chunks between the measured ones go in batches, one frame each: the state at the end is the same. */
const BATCH = 20;

let ids: DeltaIds | undefined;
window.addEventListener('message', (e: MessageEvent<unknown>) => {
  const d = e.data as { type?: string } & Partial<DeltaIds>;
  if (d?.type === 'delta' && d.conversationId && d.turnId) ids = { conversationId: d.conversationId, turnId: d.turnId };
});

/** Runs `work` now and times it plus the next animation frame's work, up to a forced layout. */
function timed(work: () => void, render?: () => void): Promise<number> {
  return new Promise((resolve) => {
    let frameStart = 0;
    requestAnimationFrame(() => { frameStart = performance.now(); }); // before the webview's own callback
    const t0 = performance.now();
    work();
    const handler = performance.now() - t0;
    if (render) requestAnimationFrame(render);
    requestAnimationFrame(() => {
      void document.body.offsetHeight; // layout the frame's changes left pending
      resolve(handler + performance.now() - frameStart);
    });
  });
}

const nextFrame = (): Promise<void> => new Promise((resolve) => requestAnimationFrame(() => resolve()));

async function drive(chunks: string[], measure: number, step: (text: string) => void, render?: () => void): Promise<ChunkTimes> {
  const out: ChunkTimes = { first: [], last: [] };
  for (let i = 0; i < chunks.length; ) {
    if (i < measure || i >= chunks.length - measure) {
      const ms = await timed(() => step(chunks[i]), render);
      (i < measure ? out.first : out.last).push(ms);
      i++;
    } else {
      const end = Math.min(i + BATCH, chunks.length - measure);
      for (; i < end; i++) step(chunks[i]);
      if (render) render();
      await nextFrame();
    }
  }
  return out;
}

/** The extension's path: each chunk as a `delta` message, as the extension host posts it. */
function extension(chunks: string[], measure: number): Promise<ChunkTimes> {
  if (!ids) throw new Error('no delta seen yet: start an answer first');
  const { conversationId, turnId } = ids;
  return drive(chunks, measure, (text) => window.dispatchEvent(new MessageEvent('message', { data: { type: 'delta', conversationId, turnId, text } })));
}

/** The baseline: the whole answer rendered again per chunk, scrolled to the bottom like the transcript. */
function baseline(chunks: string[], measure: number): Promise<ChunkTimes> {
  const render = createMarkdownRenderer(window);
  const scroller = document.querySelector('.answer')?.closest('[role="log"]') ?? document.body;
  const host = document.createElement('div');
  host.className = 'answer markdown';
  scroller.append(host);
  let text = '';
  return drive(chunks, measure, (chunk) => { text += chunk; }, () => {
    host.innerHTML = render(text);
    scroller.scrollTop = scroller.scrollHeight;
  });
}

/** What the driver adds to the webview's window, for bench/sections/chat.ts. */
export interface BenchDriver {
  extension(chunks: string[], measure: number): Promise<ChunkTimes>;
  baseline(chunks: string[], measure: number): Promise<ChunkTimes>;
  ids(): DeltaIds | undefined;
}

const driver: BenchDriver = { extension, baseline, ids: () => ids };
(window as unknown as { bedrockLlamaBench: BenchDriver }).bedrockLlamaBench = driver;
