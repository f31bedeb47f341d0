// The input: a textarea (Enter sends, Shift+Enter is a new line), the code attached to the
// next message, images for vision models (picked or pasted), and Send / Stop. Sending is
// disabled while a request is in flight.
import { attachmentLabel } from '../core/chat/conversation';
import type { Attachment } from '../core/prompt';
import { IMAGE_TYPES, MAX_IMAGE_BYTES, MAX_IMAGES, type Busy } from '../shared/chatProtocol';
import { h, icon, iconButton } from './dom';
import type { Notices } from './notices';
import { post, saveDraft, savedDraft } from './vscodeApi';

interface PendingImage {
  name: string;
  dataUrl: string;
  /** Without the `data:…;base64,` prefix, as the request body wants it. */
  base64: string;
}

const MAX_TEXT = 200_000;

export class Composer {
  readonly element: HTMLElement;
  private readonly input = h('textarea', {
    class: 'input',
    rows: '3',
    maxlength: String(MAX_TEXT),
    'aria-label': 'Message Llama',
    placeholder: 'Ask Llama… (Enter to send, Shift+Enter for a new line)',
  });
  private readonly chips = h('div', { class: 'composer-chips', 'aria-label': 'Attached to the next message' });
  private readonly sendButton = iconButton('send', 'Send', { class: 'icon-button primary' });
  private readonly stopButton = iconButton('debug-stop', 'Stop', { hidden: true });
  private readonly imageButton = iconButton('file-media', 'Attach Image');
  private readonly fileInput = h('input', { type: 'file', accept: IMAGE_TYPES.join(','), hidden: true, tabindex: '-1', 'aria-hidden': 'true' });
  /** What the message would cost, asked of the extension as the user types (it knows the history and prices). */
  private readonly estimate = h('div', {
    class: 'composer-estimate',
    title: 'Estimated before sending: the prompt at the input price plus the longest allowed answer at the output price',
    hidden: true,
  });
  private estimateTimer: ReturnType<typeof setTimeout> | undefined;
  private images: PendingImage[] = [];
  private pending: Attachment | undefined;
  private busy: Busy | undefined;
  private vision = false;
  private modelName = '';

  constructor(private readonly notices: Notices) {
    const attachSelection = iconButton('attach', 'Attach Selection');
    const attachFile = iconButton('file', 'Attach Current File');
    attachSelection.addEventListener('click', () => post({ type: 'attach', source: 'selection' }));
    attachFile.addEventListener('click', () => post({ type: 'attach', source: 'file' }));
    this.imageButton.addEventListener('click', () => this.fileInput.click());
    this.fileInput.addEventListener('change', () => {
      for (const file of this.fileInput.files ?? []) this.addImage(file);
      this.fileInput.value = '';
    });
    this.sendButton.addEventListener('click', () => this.send());
    this.stopButton.addEventListener('click', () => this.stop());
    this.input.value = savedDraft();
    this.input.addEventListener('input', () => {
      saveDraft(this.input.value);
      this.update();
    });
    this.input.addEventListener('keydown', (e) => this.onKey(e));
    this.input.addEventListener('paste', (e) => this.onPaste(e));
    this.chips.addEventListener('click', (e) => this.onChipClick(e));
    this.element = h(
      'footer',
      { class: 'composer' },
      this.chips,
      this.input,
      h('div', { class: 'composer-actions' }, attachSelection, attachFile, this.imageButton, this.estimate, h('span', { class: 'spacer' }), this.stopButton, this.sendButton),
      this.fileInput,
    );
    this.update();
  }

  focus(): void {
    this.input.focus();
  }

  setBusy(busy: Busy | undefined): void {
    this.busy = busy;
    this.update();
  }

  setModel(vision: boolean, name: string): void {
    this.vision = vision;
    this.modelName = name;
    if (!vision && this.images.length) {
      this.images = [];
      this.notices.show(`Removed the attached image: ${name} does not accept images.`);
    }
    this.update();
  }

  setPending(attachment: Attachment | undefined): void {
    this.pending = attachment;
    this.update();
  }

  /** The extension's answer to the latest draft: e.g. `≈ 3.2k tokens in · ≤ $0.0041`; empty hides it. */
  setEstimate(text: string): void {
    this.estimate.textContent = text;
    this.estimate.hidden = text === '';
  }

  /** Stops the request in flight (also bound to Escape anywhere in the chat). */
  stop(): void {
    if (this.busy) post({ type: 'cancel', requestId: this.busy.requestId });
  }

  private send(): void {
    const text = this.input.value;
    if (this.busy || (!text.trim() && this.images.length === 0)) return;
    const requestId = crypto.randomUUID();
    post({ type: 'send', requestId, text, images: this.images.map((i) => i.base64) });
    this.input.value = '';
    saveDraft('');
    this.images = [];
    // Until the extension confirms: no second send in between.
    this.setBusy({ requestId, turnId: '' });
  }

  private onKey(e: KeyboardEvent): void {
    if (e.key !== 'Enter' || e.shiftKey || e.isComposing) return;
    e.preventDefault();
    this.send();
  }

  private onPaste(e: ClipboardEvent): void {
    const files = [...(e.clipboardData?.files ?? [])].filter((f) => f.type.startsWith('image/'));
    if (files.length === 0) return;
    e.preventDefault();
    for (const file of files) this.addImage(file);
  }

  private addImage(file: File): void {
    if (!this.vision) return this.notices.show(visionHint(this.modelName));
    if (!(IMAGE_TYPES as readonly string[]).includes(file.type)) return this.notices.show('Attach a PNG, JPEG, GIF or WebP image.');
    if (file.size > MAX_IMAGE_BYTES) return this.notices.show(`The image is larger than ${MAX_IMAGE_BYTES / 1e6} MB, the most Bedrock accepts.`);
    const reader = new FileReader();
    reader.addEventListener('load', () => {
      const dataUrl = String(reader.result);
      const base64 = dataUrl.slice(dataUrl.indexOf(',') + 1);
      // Llama 3.2 Vision takes one image per message: a new one replaces the old.
      this.images = [...this.images, { name: file.name || 'pasted image', dataUrl, base64 }].slice(-MAX_IMAGES);
      this.update();
    });
    reader.readAsDataURL(file);
  }

  private onChipClick(e: MouseEvent): void {
    const button = e.target instanceof Element ? e.target.closest<HTMLButtonElement>('button[data-remove]') : null;
    if (!button) return;
    if (button.dataset.remove === 'attachment') post({ type: 'detach' });
    else this.images = this.images.filter((_, i) => String(i) !== button.dataset.remove);
    this.update();
    this.input.focus();
  }

  private update(): void {
    const busy = this.busy !== undefined;
    this.sendButton.disabled = busy || (!this.input.value.trim() && this.images.length === 0);
    this.stopButton.hidden = !busy;
    this.imageButton.disabled = !this.vision;
    const imageLabel = this.vision ? 'Attach Image (or paste one)' : visionHint(this.modelName);
    this.imageButton.title = imageLabel;
    this.imageButton.setAttribute('aria-label', imageLabel);
    const chips: HTMLElement[] = [];
    if (this.pending) {
      const label = attachmentLabel(this.pending);
      chips.push(h('span', { class: 'pending-chip' }, icon('file-code'), ` ${label}`, iconButton('close', `Remove ${label}`, { 'data-remove': 'attachment' })));
    }
    this.images.forEach((img, i) => {
      chips.push(h('span', { class: 'pending-chip' }, h('img', { src: img.dataUrl, alt: '' }), ` ${img.name}`, iconButton('close', `Remove image ${img.name}`, { 'data-remove': String(i) })));
    });
    this.chips.replaceChildren(...chips);
    this.chips.hidden = chips.length === 0;
    this.requestEstimate();
  }

  /** Asks for the draft's estimate once typing pauses (everything that changes it calls update()). */
  private requestEstimate(): void {
    clearTimeout(this.estimateTimer);
    this.estimateTimer = setTimeout(() => post({ type: 'draft', text: this.input.value.slice(0, MAX_TEXT), images: this.images.length }), 250);
  }
}

function visionHint(modelName: string): string {
  return `Images need a vision model (Llama 4, or Llama 3.2 11B or 90B Vision Instruct); ${modelName || 'the current model'} does not accept images.`;
}
