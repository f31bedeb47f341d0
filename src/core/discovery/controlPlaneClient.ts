// Asks Bedrock's control plane which Llama models and inference profiles this account and
// region have: ListFoundationModels (Meta), ListInferenceProfiles (system and application,
// every page), GetInferenceProfile per application profile (its model ARNs),
// ListCustomModels and ListProvisionedModelThroughputs (every page, Llama bases only), and
// GetFoundationModelAvailability per model where the SDK has it. Same SDK bundle,
// credentials, proxy and endpoint as the runtime client (clientConfig.ts). Never throws:
// every outcome is a DiscoveryResult.
import { createHash } from 'node:crypto';
import type { BedrockClient } from '@aws-sdk/client-bedrock';
import { authSourceFor, type AuthSource } from '../bedrock/authSource';
import type { BedrockClientOptions } from '../bedrock/client';
import { errorContextFor, sharedClientConfig } from '../bedrock/clientConfig';
import { toBedrockLlamaError, type ErrorContext } from '../bedrock/errors';
import { loadControlSdk, type ControlSdk } from '../bedrock/controlSdkLoader';
import { loadSdk } from '../bedrock/sdkLoader';
import { cacheKey } from './discoveryCache';
import type {
  DiscoveredCustomModel,
  DiscoveredModel,
  DiscoveredProfile,
  DiscoveredProvisioned,
  Discovery,
  DiscoveryFailure,
  DiscoveryResult,
  ModelAccess,
} from './types';

type Send = <T>(command: object) => Promise<T>;

/** Requests in flight at once for the per-profile and per-model calls. */
const CONCURRENCY = 4;
/** A misbehaving endpoint that keeps returning a token must not loop for ever. */
const MAX_PAGES = 50;
const IDENTITY_TIMEOUT_MS = 10_000;

export interface ControlPlaneOptions extends BedrockClientOptions {
  /** Ask GetFoundationModelAvailability per model (default true). */
  checkAvailability?: boolean;
  /** Epoch ms clock for `fetchedAt` (tests). */
  now?: () => number;
}

export class ControlPlaneClient {
  readonly auth: AuthSource;
  private client: Promise<[ControlSdk, BedrockClient]> | undefined;
  private resolvedRegion: string | undefined;

  constructor(private readonly options: ControlPlaneOptions) {
    this.auth = authSourceFor(options, process.env);
  }

  /** The region asked: the option, else what the SDK resolves (AWS_REGION, the profile). */
  async region(): Promise<string | undefined> {
    if (this.options.region) return this.options.region;
    try {
      const [, client] = await this.sdk();
      this.resolvedRegion ??= await client.config.region();
    } catch {
      // No region anywhere: discover() says so.
    }
    return this.resolvedRegion;
  }

  /**
   * The cache key of this account, region and endpoint: the credentials' account id when
   * they carry one, else the profile or auth source name.
   */
  async cacheKey(): Promise<string> {
    const region = (await this.region()) ?? '';
    const { accountId, fingerprint: key } = await this.identity();
    return cacheKey({ accountId, identity: key ? `${identityName(this.auth)}#${key}` : identityName(this.auth), region, endpoint: this.options.endpoint });
  }

  async discover(signal?: AbortSignal): Promise<DiscoveryResult> {
    let sdk: ControlSdk;
    let client: BedrockClient;
    try {
      [sdk, client] = await this.sdk();
    } catch (err) {
      return this.failure(err, 'ListFoundationModels');
    }
    // One signature for every command: each response is narrowed to the fields read below.
    const sendAny = client.send.bind(client) as unknown as (command: object, options: { abortSignal?: AbortSignal }) => Promise<never>;
    const send: Send = (command) => sendAny(command, { abortSignal: signal });
    const notes: string[] = [];

    let models: DiscoveredModel[];
    try {
      const listed = await send<{ modelSummaries?: RawModel[] }>(new sdk.ListFoundationModelsCommand({ byProvider: 'meta' }));
      models = (listed.modelSummaries ?? []).filter((m) => m.modelId?.startsWith('meta.llama')).map(toModel);
    } catch (err) {
      return this.failure(err, 'ListFoundationModels');
    }
    const region = (await this.region()) ?? '';

    const profiles: DiscoveredProfile[] = [];
    for (const type of ['SYSTEM_DEFINED', 'APPLICATION'] as const) {
      try {
        profiles.push(...(await listProfiles(sdk, send, type)));
      } catch (err) {
        const failure = this.failure(err, 'ListInferenceProfiles');
        if (signal?.aborted) return failure;
        notes.push(failure.status === 'denied' ? `no permission for bedrock:ListInferenceProfiles (${type === 'APPLICATION' ? 'application' : 'system'} profiles)` : failure.message);
      }
    }

    // The list's summaries already carry model ARNs, but GetInferenceProfile is the documented
    // source for an application profile's models: ask it, keep the summary's when it fails.
    await forEach(profiles.filter((p) => p.type === 'APPLICATION'), async (profile) => {
      try {
        const got = await send<RawProfile>(new sdk.GetInferenceProfileCommand({ inferenceProfileIdentifier: profile.arn }));
        const arns = modelArns(got);
        if (arns.length > 0) Object.assign(profile, { modelArns: arns, underlyingId: underlyingFromArn(arns[0]) });
      } catch (err) {
        if (this.failure(err, 'GetInferenceProfile').status === 'denied' && !notes.some((n) => n.includes('GetInferenceProfile'))) {
          notes.push('no permission for bedrock:GetInferenceProfile (application profiles use the models their list entries name)');
        }
      }
    });
    if (signal?.aborted) return this.failure(signal.reason, 'ListInferenceProfiles');

    // What this account made of Llama: custom models and provisioned throughput. A denied
    // permission (common: many policies allow only Invoke* and ListFoundationModels) is a gap, not a failure.
    const [custom, throughput] = await Promise.all([
      this.listOrNote('ListCustomModels', 'custom models', () => listCustomModels(sdk, send)),
      this.listOrNote('ListProvisionedModelThroughputs', 'provisioned throughput', () => listProvisioned(sdk, send)),
    ]);
    for (const note of [custom.note, throughput.note]) if (note) notes.push(note);
    const customModels = custom.items;
    const provisioned = throughput.items;
    if (signal?.aborted) return this.failure(signal.reason, 'ListProvisionedModelThroughputs');

    if (this.options.checkAvailability !== false && 'GetFoundationModelAvailabilityCommand' in sdk) {
      await this.checkAccess(sdk, send, models);
    }
    if (signal?.aborted) return this.failure(signal.reason, 'GetFoundationModelAvailability');

    const discovery: Discovery = {
      region,
      endpoint: this.options.endpoint,
      fetchedAt: (this.options.now ?? Date.now)(),
      models,
      profiles: profiles.filter(isLlamaProfile),
      customModels,
      provisioned,
      notes,
    };
    return { status: 'ok', discovery, cached: false };
  }

  dispose(): void {
    void this.client?.then(([, client]) => client.destroy(), () => undefined);
    this.client = undefined;
  }

  /** Every page of one List call; on failure an empty list and a note (the rest of discovery stands). */
  private async listOrNote<T>(operation: string, what: string, list: () => Promise<T[]>): Promise<{ items: T[]; note?: string }> {
    try {
      return { items: await list() };
    } catch (err) {
      const failure = this.failure(err, operation);
      return { items: [], note: failure.status === 'denied' ? `no permission for bedrock:${operation} (${what})` : `${what}: ${failure.message}` };
    }
  }

  // One call per model the account might use; a denied permission for the call itself means
  // "unknown", not "no access", so the first denial stops the asking.
  private async checkAccess(sdk: ControlSdk, send: Send, models: DiscoveredModel[]): Promise<void> {
    let allowed = true;
    await forEach(models.filter((m) => !isProvisionedVariant(m)), async (model) => {
      if (!allowed) return;
      try {
        const got = await send<RawAvailability>(new sdk.GetFoundationModelAvailabilityCommand({ modelId: model.modelId }));
        model.access = accessFrom(got);
      } catch (err) {
        if (this.failure(err, 'GetFoundationModelAvailability').status === 'denied') allowed = false;
      }
    });
  }

  /**
   * Who is asking, as far as the cache key needs it: the account id when the credentials
   * carry one, and always a fingerprint (a hash, never the secret) of the access key id or
   * API key, so another account's keys under the same profile name or source get their own list.
   */
  private async identity(): Promise<{ accountId?: string; fingerprint?: string }> {
    if (this.auth.kind === 'apiKey' || this.auth.kind === 'apiKeyEnv') {
      const key = this.options.bearerToken ?? process.env.AWS_BEARER_TOKEN_BEDROCK;
      return { fingerprint: key ? fingerprint(key) : undefined };
    }
    try {
      const [, client] = await this.sdk();
      const identity = await withTimeout(client.config.credentials(), IDENTITY_TIMEOUT_MS);
      const id = (identity as { accountId?: unknown }).accountId;
      return { accountId: typeof id === 'string' && id ? id : undefined, fingerprint: fingerprint(identity.accessKeyId) };
    } catch {
      return {}; // discover() reports credential problems
    }
  }


  private sdk(): Promise<[ControlSdk, BedrockClient]> {
    // Credentials, proxy and HTTP handler come from the runtime's SDK file, the client from its own.
    this.client ??= Promise.all([loadSdk(), loadControlSdk()]).then(([runtime, control]): [ControlSdk, BedrockClient] =>
      [control, new control.BedrockClient(sharedClientConfig(runtime, this.options, this.auth))]);
    return this.client;
  }

  private failure(err: unknown, operation: string): DiscoveryFailure {
    const translated = toBedrockLlamaError(err, this.context());
    if (translated.kind === 'network') return { status: 'offline', message: translated.userMessage };
    if (translated.awsErrorName === 'AccessDeniedException' && translated.kind === 'accessDenied') {
      return { status: 'denied', operation, message: `no permission for bedrock:${operation}` };
    }
    return { status: 'failed', message: translated.userMessage };
  }

  private context(): ErrorContext {
    return errorContextFor(this.options, this.auth, this.options.region ?? this.resolvedRegion, 'the Llama model list');
  }
}

// --- response shapes (the SDK's, narrowed to what is read) -------------------------------

interface RawModel {
  modelId?: string;
  modelName?: string;
  inputModalities?: string[];
  responseStreamingSupported?: boolean;
  inferenceTypesSupported?: string[];
  modelLifecycle?: { status?: string };
}

interface RawProfile {
  inferenceProfileId?: string;
  inferenceProfileArn?: string;
  inferenceProfileName?: string;
  type?: string;
  models?: Array<{ modelArn?: string }>;
}

interface RawCustomModel {
  modelArn?: string;
  modelName?: string;
  baseModelArn?: string;
  baseModelName?: string;
  customizationType?: string;
  modelStatus?: string;
}

interface RawProvisioned {
  provisionedModelName?: string;
  provisionedModelArn?: string;
  modelArn?: string;
  desiredModelArn?: string;
  foundationModelArn?: string;
  status?: string;
  modelUnits?: number;
  commitmentDuration?: string;
}

interface RawAvailability {
  authorizationStatus?: string;
  entitlementAvailability?: string;
  regionAvailability?: string;
  agreementAvailability?: { status?: string; errorMessage?: string };
}

function toModel(m: RawModel): DiscoveredModel {
  return {
    modelId: m.modelId ?? '',
    modelName: m.modelName,
    inputModalities: m.inputModalities ?? [],
    responseStreamingSupported: m.responseStreamingSupported,
    inferenceTypes: m.inferenceTypesSupported ?? [],
    lifecycle: m.modelLifecycle?.status,
  };
}

async function listProfiles(
  sdk: ControlSdk,
  send: Send,
  type: 'SYSTEM_DEFINED' | 'APPLICATION',
): Promise<DiscoveredProfile[]> {
  const out: DiscoveredProfile[] = [];
  let nextToken: string | undefined;
  const seen = new Set<string>();
  for (let page = 0; page < MAX_PAGES; page++) {
    const got = await send<{ inferenceProfileSummaries?: RawProfile[]; nextToken?: string }>(
      new sdk.ListInferenceProfilesCommand({ typeEquals: type, maxResults: 100, nextToken }),
    );
    for (const p of got.inferenceProfileSummaries ?? []) {
      if (!p.inferenceProfileId || !p.inferenceProfileArn) continue;
      const arns = modelArns(p);
      out.push({
        id: type === 'APPLICATION' ? p.inferenceProfileArn : p.inferenceProfileId,
        arn: p.inferenceProfileArn,
        name: p.inferenceProfileName ?? p.inferenceProfileId,
        type,
        modelArns: arns,
        underlyingId: type === 'APPLICATION' ? (arns[0] ? underlyingFromArn(arns[0]) : undefined) : stripGeography(p.inferenceProfileId),
      });
    }
    nextToken = got.nextToken || undefined;
    if (!nextToken || seen.has(nextToken)) break;
    seen.add(nextToken);
  }
  return out;
}

/** Every page of a List call that pages with `nextToken`. */
async function listAll<T>(page: (nextToken: string | undefined) => Promise<{ items?: T[]; nextToken?: string }>): Promise<T[]> {
  const out: T[] = [];
  let nextToken: string | undefined;
  const seen = new Set<string>();
  for (let i = 0; i < MAX_PAGES; i++) {
    const got = await page(nextToken);
    out.push(...(got.items ?? []));
    nextToken = got.nextToken || undefined;
    if (!nextToken || seen.has(nextToken)) break;
    seen.add(nextToken);
  }
  return out;
}

/** Custom models whose base is a Llama model (ListCustomModels, every page). */
async function listCustomModels(sdk: ControlSdk, send: Send): Promise<DiscoveredCustomModel[]> {
  const raw = await listAll(async (nextToken) => {
    const got = await send<{ modelSummaries?: RawCustomModel[]; nextToken?: string }>(new sdk.ListCustomModelsCommand({ maxResults: 100, nextToken }));
    return { items: got.modelSummaries, nextToken: got.nextToken };
  });
  const out: DiscoveredCustomModel[] = [];
  for (const m of raw) {
    const baseId = m.baseModelArn ? underlyingFromArn(m.baseModelArn) : undefined;
    if (!m.modelArn || !m.baseModelArn || !baseId?.startsWith('meta.llama')) continue;
    out.push({
      arn: m.modelArn,
      name: m.modelName || m.modelArn,
      baseModelArn: m.baseModelArn,
      baseId,
      baseModelName: m.baseModelName,
      customizationType: m.customizationType,
      status: m.modelStatus,
    });
  }
  return out;
}

/** Provisioned throughputs whose foundation model is a Llama model (every page). */
async function listProvisioned(sdk: ControlSdk, send: Send): Promise<DiscoveredProvisioned[]> {
  const raw = await listAll(async (nextToken) => {
    const got = await send<{ provisionedModelSummaries?: RawProvisioned[]; nextToken?: string }>(
      new sdk.ListProvisionedModelThroughputsCommand({ maxResults: 100, nextToken }),
    );
    return { items: got.provisionedModelSummaries, nextToken: got.nextToken };
  });
  const out: DiscoveredProvisioned[] = [];
  for (const p of raw) {
    const baseId = p.foundationModelArn ? underlyingFromArn(p.foundationModelArn) : undefined;
    if (!p.provisionedModelArn || !p.foundationModelArn || !baseId?.startsWith('meta.llama')) continue;
    out.push({
      arn: p.provisionedModelArn,
      name: p.provisionedModelName || p.provisionedModelArn,
      modelArn: p.modelArn ?? p.desiredModelArn ?? p.foundationModelArn,
      foundationModelArn: p.foundationModelArn,
      baseId,
      status: p.status ?? 'InService',
      modelUnits: p.modelUnits,
      commitmentDuration: p.commitmentDuration,
    });
  }
  return out;
}

function modelArns(p: RawProfile): string[] {
  return (p.models ?? []).map((m) => m.modelArn).filter((a): a is string => typeof a === 'string' && a !== '');
}

/**
 * The id behind a model ARN: `…::foundation-model/meta.llama3-3-70b-instruct-v1:0` →
 * `meta.llama3-3-70b-instruct-v1:0`; `…:inference-profile/us.meta…` → `us.meta…`.
 */
export function underlyingFromArn(arn: string): string | undefined {
  const m = /^arn:[a-z0-9-]+:bedrock:[a-z0-9-]*:\d*:(foundation-model|inference-profile)\/(.+)$/.exec(arn);
  return m?.[2];
}

function stripGeography(id: string): string {
  return id.replace(/^(us|eu|apac|global|us-gov|ca|jp|au)\./, '');
}

function isLlamaProfile(p: DiscoveredProfile): boolean {
  return !!p.underlyingId && stripGeography(p.underlyingId).startsWith('meta.llama');
}

function isProvisionedVariant(m: DiscoveredModel): boolean {
  return !m.inferenceTypes.includes('ON_DEMAND') && !m.inferenceTypes.includes('INFERENCE_PROFILE') && m.inferenceTypes.length > 0;
}

function accessFrom(a: RawAvailability): ModelAccess {
  if (a.authorizationStatus === 'NOT_AUTHORIZED') return { usable: false, reason: 'your IAM identity is not allowed to use it' };
  if (a.regionAvailability === 'NOT_AVAILABLE') return { usable: false, reason: 'not offered in this region' };
  if (a.entitlementAvailability === 'NOT_AVAILABLE') return { usable: false, reason: 'model access not granted to this account' };
  const agreement = a.agreementAvailability?.status;
  if (agreement === 'PENDING') return { usable: false, reason: 'the model access request is pending' };
  if (agreement === 'NOT_AVAILABLE' || agreement === 'ERROR') return { usable: false, reason: 'no model access agreement for this account' };
  return { usable: true };
}

/** A short, one-way fingerprint of a key id or API key: tells keys apart without storing them. */
function fingerprint(secretOrId: string): string {
  return createHash('sha256').update(secretOrId).digest('hex').slice(0, 16);
}

function identityName(auth: AuthSource): string {
  switch (auth.kind) {
    case 'profile': return `profile:${auth.profile}`;
    case 'defaultChain': return auth.envProfile ? `profile:${auth.envProfile}` : 'default';
    default: return auth.kind;
  }
}

async function forEach<T>(items: readonly T[], fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker));
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
