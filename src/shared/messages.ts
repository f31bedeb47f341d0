// Parsing webview messages against a table of shapes, one per message type: shared by the
// chat's and the usage view's protocols.
import { exact, isRecord, oneOf, type Check, type Shape } from '../core/chat/guards';

type Fields<M> = Shape<Omit<M, 'type'>>;
/** One shape per message type of the union `U`: the compiler keeps the table and the union in step. */
export type Schemas<U extends { type: string }> = { [K in U['type']]: Fields<Extract<U, { type: K }>> };

/** `value` if it is one of the messages `schemas` describes, exactly, else undefined. */
export function parseMessage<U extends { type: string }>(schemas: Schemas<U>, value: unknown): U | undefined {
  if (!isRecord(value) || typeof value.type !== 'string' || !Object.prototype.hasOwnProperty.call(schemas, value.type)) return undefined;
  const fields: Record<string, Check> = schemas[value.type as U['type']];
  return exact({ ...fields, type: oneOf(value.type) })(value) ? (value as U) : undefined;
}

/** A short description of a dropped message for the log: its type, never its content. */
export function describeDropped(value: unknown): string {
  return isRecord(value) && typeof value.type === 'string' ? `malformed '${value.type.slice(0, 40)}' message` : 'message without a known type';
}
