// Validates the Llama native request body as Bedrock does (a JSON schema per model) and
// words the result like Bedrock's ValidationException: "Malformed input request: #/max_gen_len:
// 2049 is not less or equal to 2048, please reformat your input and try again."

const FIELDS = ['prompt', 'temperature', 'top_p', 'max_gen_len'];
/**
 * Models that take images: Llama 3.2 11B and 90B Vision and both Llama 4 models, as a base id,
 * with a geography prefix (`us.`), or as a provisioned variant (`…:0:128k`).
 */
const VISION_ID = /^(?:[a-z]+(?:-[a-z]+)?\.)?meta\.(?:llama3-2-(?:11|90)b|llama4-[a-z]+-17b)-instruct-v1:0(?::|$)/;
const LLAMA4_ID = /^(?:[a-z]+(?:-[a-z]+)?\.)?meta\.llama4-/;
/** Llama 4's model cards give 8K output tokens; Llama 3.x on Bedrock takes at most 2048. */
const MAX_GEN_LEN = { llama4: 8192, other: 2048 } as const;
/** Foundation-model and inference-profile ARNs name the model; other ARNs do not. */
const ARN_RESOURCE = /^arn:aws[a-z-]*:bedrock:[^:]*:[^:]*:(?:foundation-model|inference-profile)\/(.+)$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** The model named by an id or a foundation-model / inference-profile ARN (other ARNs: the ARN). */
function modelOf(modelId: string): string {
  return ARN_RESOURCE.exec(modelId)?.[1] ?? modelId;
}

/** Whether Bedrock takes `images` for this model id (or ARN). */
export function isVisionModel(modelId: string): boolean {
  return VISION_ID.test(modelOf(modelId));
}

/** Whether the id (or ARN) names a Llama 4 model. */
export function isLlama4Model(modelId: string): boolean {
  return LLAMA4_ID.test(modelOf(modelId));
}

/** The largest `max_gen_len` Bedrock takes for this model. */
export function maxGenLen(modelId: string): number {
  return isLlama4Model(modelId) ? MAX_GEN_LEN.llama4 : MAX_GEN_LEN.other;
}

/** Bedrock's ValidationException message for a body sent to `modelId`; undefined when it is valid. */
export function checkLlamaBody(rawBody: string, modelId: string): string | undefined {
  let body: unknown;
  try {
    body = JSON.parse(rawBody);
  } catch {
    return 'Malformed input request, please reformat your input and try again.';
  }
  const problems = violations(body, isVisionModel(modelId), maxGenLen(modelId));
  if (problems.length === 0) return undefined;
  // Bedrock's schema validator names a single violation, and only counts several.
  const what = problems.length === 1 ? problems[0] : `#: ${problems.length} schema violations found`;
  return `Malformed input request: ${what}, please reformat your input and try again.`;
}

function violations(body: unknown, vision: boolean, maxTokens: number): string[] {
  if (jsonType(body) !== 'JSONObject') return [`#: expected type: JSONObject, found: ${jsonType(body)}`];
  const fields = body as Record<string, unknown>;
  const allowed = vision ? [...FIELDS, 'images'] : FIELDS;
  const out = Object.keys(fields).filter((key) => !allowed.includes(key)).map((key) => `#: extraneous key [${key}] is not permitted`);
  if (fields.prompt === undefined) out.push('#: required key [prompt] not found');
  else if (typeof fields.prompt !== 'string') out.push(`#/prompt: expected type: String, found: ${jsonType(fields.prompt)}`);
  else if (fields.prompt.length === 0) out.push('#/prompt: expected minLength: 1, actual: 0');
  out.push(...numberRule('temperature', fields.temperature, 0, 1), ...numberRule('top_p', fields.top_p, 0, 1));
  out.push(...numberRule('max_gen_len', fields.max_gen_len, 1, maxTokens, true));
  if (vision && fields.images !== undefined) out.push(...imageRules(fields.images));
  return out;
}

function numberRule(name: string, value: unknown, min: number, max: number, integer = false): string[] {
  if (value === undefined) return []; // optional: Bedrock applies its default
  const type = jsonType(value);
  if (typeof value !== 'number' || (integer && type !== 'Integer')) return [`#/${name}: expected type: ${integer ? 'Integer' : 'Number'}, found: ${type}`];
  if (value < min) return [`#/${name}: ${value} is not greater or equal to ${min}`];
  if (value > max) return [`#/${name}: ${value} is not less or equal to ${max}`];
  return [];
}

// An array of base64 strings without a `data:` prefix.
function imageRules(images: unknown): string[] {
  if (!Array.isArray(images)) return [`#/images: expected type: JSONArray, found: ${jsonType(images)}`];
  return images.flatMap((image: unknown, i) => {
    if (typeof image !== 'string') return [`#/images/${i}: expected type: String, found: ${jsonType(image)}`];
    if (image.length % 4 !== 0 || !BASE64.test(image)) return [`#/images/${i}: string [${clip(image)}] is not valid base64`];
    return [];
  });
}

/** The JSON type names Bedrock's validator uses. */
function jsonType(value: unknown): string {
  if (value === null) return 'Null';
  if (Array.isArray(value)) return 'JSONArray';
  if (typeof value === 'number') return Number.isInteger(value) ? 'Integer' : 'BigDecimal';
  if (typeof value === 'string') return 'String';
  if (typeof value === 'boolean') return 'Boolean';
  return 'JSONObject';
}

function clip(text: string): string {
  return text.length > 24 ? `${text.slice(0, 24)}…` : text;
}
