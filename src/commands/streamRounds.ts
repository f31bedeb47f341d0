// Runs a request whose answer streams into an editor, and its continuations after a
// `length` stop, which append where the previous round ended.
import { runModelRequest, type RequestSpec } from '../requests/modelRequest';
import type { EditorStream } from '../editor/editorStream';
import type { Services } from '../services';
import { cutOffReason } from '../requests/errorMessages';

export interface StreamRoundsSpec {
  title: string;
  /** For the "stopped at the length limit" message. */
  label: string;
  prompt: RequestSpec['prompt'];
  stream: EditorStream;
  /** Turns answer text into document text (comment prefixes); identity when omitted. */
  format?: (delta: string) => string;
  onStart?: (controller: AbortController) => void;
}

export async function streamRounds(services: Services, spec: StreamRoundsSpec, previous = ''): Promise<void> {
  const { stream } = spec;
  const format = spec.format ?? ((d: string) => d);
  services.continuations.clear();
  stream.beginRound();
  const outcome = await runModelRequest(services, {
    title: spec.title,
    prompt: previous ? { ...spec.prompt, continueFrom: previous } : spec.prompt,
    sink: { text: (delta) => stream.push(format(delta)) },
    onStart: spec.onStart,
    retry: previous ? undefined : () => void streamRounds(services, spec),
  });
  if (!outcome.ok) {
    const error = outcome.error;
    // A failed stream keeps its partial text and says it was cut off; a stop by the user keeps it as it is.
    if (outcome.partialText && error && error.kind !== 'aborted' && stream.hasText) {
      stream.push(format(`\n(cut off: ${cutOffReason(error.kind)})`));
    }
    await stream.finish().catch(() => undefined);
    stream.dispose();
    return;
  }
  try {
    await stream.finish();
  } catch (err) {
    services.log.warn(`Streaming into the editor stopped: ${String(err)}`);
    stream.dispose();
    return;
  }
  const text = previous + outcome.result.text;
  if (outcome.result.stopReason === 'length') {
    services.continuations.offer(
      { label: spec.label, run: () => streamRounds(services, spec, text), dispose: () => stream.dispose() },
      outcome.result.usage.outputTokens,
    );
  } else {
    stream.dispose();
  }
}
