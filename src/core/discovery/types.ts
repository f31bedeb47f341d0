// What model discovery learns from Bedrock's control plane, as plain data: it is cached
// in globalState as JSON and merged with the built-in catalog for the picker.

/** A Meta model ListFoundationModels reported in the region. */
export interface DiscoveredModel {
  /** Base model id, e.g. `meta.llama3-3-70b-instruct-v1:0` (provisioned variants end `:128k`). */
  modelId: string;
  modelName?: string;
  inputModalities: string[];
  /** undefined: Bedrock did not say. */
  responseStreamingSupported?: boolean;
  /** `ON_DEMAND`, `PROVISIONED`, `INFERENCE_PROFILE`. */
  inferenceTypes: string[];
  /** `ACTIVE` or `LEGACY`. */
  lifecycle?: string;
  /** From GetFoundationModelAvailability; absent when that could not be asked. */
  access?: ModelAccess;
}

export interface ModelAccess {
  usable: boolean;
  /** Why not, in words (only when not usable). */
  reason?: string;
}

/** An inference profile whose models are Llama models. */
export interface DiscoveredProfile {
  /** What to send as `modelId`: the profile id (`us.meta…`) for system profiles, the ARN for application ones. */
  id: string;
  arn: string;
  /** The name the user gave an application profile; AWS's name for system ones. */
  name: string;
  type: 'SYSTEM_DEFINED' | 'APPLICATION';
  /** Model ARNs behind the profile (GetInferenceProfile). */
  modelArns: string[];
  /**
   * The base model id (or system profile id, for an application profile copied from one)
   * behind the profile, from its first model ARN.
   */
  underlyingId?: string;
}

/** A custom model (fine-tuned, continued pre-training, distilled) over a Llama base model. */
export interface DiscoveredCustomModel {
  /** The custom model ARN: what Select Model… writes. */
  arn: string;
  name: string;
  baseModelArn: string;
  /** Base model id from `baseModelArn`, e.g. `meta.llama3-1-8b-instruct-v1:0:128k`. */
  baseId?: string;
  baseModelName?: string;
  /** `FINE_TUNING`, `CONTINUED_PRE_TRAINING`, `DISTILLATION`, … */
  customizationType?: string;
  /** `Active`, `Creating`, `Failed`; absent in older responses (Active). */
  status?: string;
}

/** A provisioned throughput whose foundation model is a Llama model. */
export interface DiscoveredProvisioned {
  /** The provisioned model ARN: what Select Model… writes and requests send. */
  arn: string;
  name: string;
  /** The model it serves: a foundation model ARN or a custom model ARN. */
  modelArn: string;
  foundationModelArn: string;
  /** Base model id from `foundationModelArn`, e.g. `meta.llama3-1-70b-instruct-v1:0:128k`. */
  baseId?: string;
  /** `Creating`, `InService`, `Updating`, `Failed`: only InService answers requests. */
  status: string;
  modelUnits?: number;
  /** `OneMonth`, `SixMonths`; absent: no commitment. */
  commitmentDuration?: string;
}

export interface Discovery {
  region: string;
  /** The endpoint override it was fetched from, if any. */
  endpoint?: string;
  /** Epoch ms. */
  fetchedAt: number;
  models: DiscoveredModel[];
  profiles: DiscoveredProfile[];
  /** ListCustomModels, Llama bases only; absent in lists cached before it was asked. */
  customModels?: DiscoveredCustomModel[];
  /** ListProvisionedModelThroughputs, Llama foundation models only; absent in older cached lists. */
  provisioned?: DiscoveredProvisioned[];
  /** Parts that could not be listed (e.g. no permission for ListInferenceProfiles); the rest is still used. */
  notes: string[];
}

/** Why the built-in list is shown instead. */
export type DiscoveryFailure =
  /** AccessDeniedException: no permission for a `bedrock:List*` action. */
  | { status: 'denied'; operation: string; message: string }
  /** The endpoint could not be reached (offline, DNS, proxy, refused connection). */
  | { status: 'offline'; message: string }
  /** Anything else (no credentials, throttled, server error, cancelled). */
  | { status: 'failed'; message: string };

export type DiscoveryResult = { status: 'ok'; discovery: Discovery; cached: boolean } | DiscoveryFailure;
