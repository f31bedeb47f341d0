// Hand-written checks for data that crosses a trust boundary (webview messages, stored
// history): plain predicates composed into exact shapes, so a field with the wrong type,
// a missing field or an unexpected extra key rejects the whole value.

export type Check = (value: unknown) => boolean;

/** One check per key of T, optional keys included: the compiler keeps shapes and types in step. */
export type Shape<T> = { [K in keyof T]-?: Check };

export const isString: Check = (v) => typeof v === 'string';
export const isBoolean: Check = (v) => typeof v === 'boolean';
export const isFiniteNumber: Check = (v) => typeof v === 'number' && Number.isFinite(v);
export const isCount: Check = (v) => Number.isSafeInteger(v) && (v as number) >= 0;

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function maxLength(max: number): Check {
  return (v) => typeof v === 'string' && v.length <= max;
}

export function optional(check: Check): Check {
  return (v) => v === undefined || check(v);
}

export function oneOf(...values: readonly string[]): Check {
  return (v) => typeof v === 'string' && values.includes(v);
}

export function arrayOf(check: Check, maxItems = Infinity): Check {
  return (v) => Array.isArray(v) && v.length <= maxItems && v.every(check);
}

/** An object with exactly these keys (optional ones may be absent), each passing its check. */
export function exact(shape: Record<string, Check>): Check {
  return (v) => {
    if (!isRecord(v)) return false;
    for (const key of Object.keys(v)) if (!Object.prototype.hasOwnProperty.call(shape, key)) return false;
    for (const [key, check] of Object.entries(shape)) if (!check(v[key])) return false;
    return true;
  };
}
