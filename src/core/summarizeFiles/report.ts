// The Markdown report of a Summarize Files… run: one section per summarized file with a link
// to it, then what failed and what was skipped, each with why. File names and the model's text
// are escaped so that neither can make a heading, a link, raw HTML or a code fence that would
// swallow the sections after it: the report shows exactly the words, nothing the model wrote runs.
import { formatUsd } from '../pricing';
import type { RunFile } from './progress';

export interface ReportInput {
  files: readonly RunFile[];
  /** Where each file's link points: a path relative to the report, or a file URI (an untitled report has no place). */
  linkTo(file: RunFile): string;
  modelText: string;
  costUsd: number;
  unpriced: boolean;
  /** Epoch ms. */
  at: number;
}

export function buildReport(input: ReportInput): string {
  const done = input.files.filter((f) => f.status === 'done');
  const failed = input.files.filter((f) => f.status === 'failed');
  const skipped = input.files.filter((f) => f.status === 'skipped');
  const pending = input.files.filter((f) => f.status === 'pending');
  const out: string[] = ['# File summaries', ''];
  const cost = `${input.unpriced ? '≥ ' : ''}${formatUsd(input.costUsd)}`;
  out.push(escapeMarkdown(`${done.length} file${done.length === 1 ? '' : 's'} summarized by ${input.modelText} on ${new Date(input.at).toISOString().slice(0, 10)}, ${cost}.`), '');
  for (const f of done) {
    out.push(`## ${link(f.path, input.linkTo(f))}`, '', escapeMarkdown(f.summary?.trim() || '(no summary)'), '');
  }
  const listed = (title: string, files: RunFile[], fallback: string) => {
    if (files.length === 0) return;
    out.push(`## ${title}`, '');
    for (const f of files) out.push(`- ${link(f.path, input.linkTo(f))}: ${escapeInline(f.reason ?? fallback)}`);
    out.push('');
  };
  listed('Failed', failed, 'failed');
  listed('Not summarized yet', pending, 'the run was stopped');
  listed('Skipped', skipped, 'skipped');
  return out.join('\n');
}

/** `[name](destination)` with the name escaped and the destination in angle brackets, percent-encoded where it must be. */
export function link(text: string, destination: string): string {
  return `[${escapeInline(text)}](<${encodeDestination(destination)}>)`;
}

/** Keeps `/`, `:`, `#`, `%` escapes and URL-safe characters; encodes spaces, brackets, angle brackets, parentheses and controls. */
function encodeDestination(destination: string): string {
  return destination.replace(/[\s<>()[\]\\`"'\u0000-\u001f\u007f]/g, (c) => Array.from(new TextEncoder().encode(c), (b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''));
}

/** Markdown's punctuation escaped so the text shows as written (CommonMark allows a backslash before any of it). */
export function escapeInline(text: string): string {
  return text.replace(/[\\`*_{}[\]()<>#+!|~&$=-]/g, (c) => `\\${c}`).replace(/[\r\n]+/g, ' ');
}

/**
 * Text in paragraphs, line breaks kept (a hard break at the end of each line), blank lines
 * between paragraphs kept; every line's punctuation escaped and its leading spaces dropped (four
 * would start a code block), a leading `1.` made harmless.
 */
export function escapeMarkdown(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n').map((l) => escapeInline(l.trim()).replace(/^(\d+)([.)])/, '$1\\$2'));
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const next = lines[i + 1];
    // A hard line break (backslash at the end) where another line of the same paragraph follows.
    out.push(lines[i] !== '' && next !== undefined && next !== '' ? `${lines[i]}\\` : lines[i]);
  }
  return out.join('\n').replace(/\n{3,}/g, '\n\n');
}
