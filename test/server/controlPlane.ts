// The Bedrock control plane for the local test server: the read-only calls model discovery
// makes, with the paths, query names and JSON shapes of @aws-sdk/client-bedrock's service
// model (restJson1):
//   GET /foundation-models?byProvider=&byInferenceType=&byOutputModality=&byCustomizationType=   ListFoundationModels
//   GET /foundation-models/{modelIdentifier}                                                      GetFoundationModel
//   GET /inference-profiles?type=SYSTEM_DEFINED|APPLICATION&maxResults=&nextToken=                ListInferenceProfiles
//   GET /inference-profiles/{inferenceProfileIdentifier}   (id or percent-encoded ARN)            GetInferenceProfile
//   GET /foundation-model-availability/{modelId}                                                  GetFoundationModelAvailability
//   GET /custom-models?baseModelArnEquals=&foundationModelArnEquals=&nameContains=&modelStatus=&maxResults=&nextToken=   ListCustomModels
//   GET /provisioned-model-throughputs?statusEquals=&modelArnEquals=&nameContains=&maxResults=&nextToken=              ListProvisionedModelThroughputs
// The server checks the signature (`bedrock` signing name) or API key first, as for the runtime.
// Its data is plain JSON in `server.controlPlane.data`; `reset()` restores the defaults.

export type ControlPlaneOperation =
  | 'ListFoundationModels'
  | 'GetFoundationModel'
  | 'ListInferenceProfiles'
  | 'GetInferenceProfile'
  | 'GetFoundationModelAvailability'
  | 'ListCustomModels'
  | 'ListProvisionedModelThroughputs';

/** FoundationModelSummary as the service sends it. */
export interface FoundationModelJson {
  modelArn: string;
  modelId: string;
  modelName: string;
  providerName: string;
  inputModalities: string[];
  outputModalities: string[];
  responseStreamingSupported: boolean;
  customizationsSupported: string[];
  inferenceTypesSupported: string[];
  modelLifecycle: { status: 'ACTIVE' | 'LEGACY' };
}

/** InferenceProfileSummary (and the GetInferenceProfile response, which has the same fields). */
export interface InferenceProfileJson {
  inferenceProfileName: string;
  inferenceProfileArn: string;
  inferenceProfileId: string;
  description?: string;
  createdAt?: string;
  updatedAt?: string;
  models: Array<{ modelArn: string }>;
  status: 'ACTIVE';
  type: 'SYSTEM_DEFINED' | 'APPLICATION';
}

/** CustomModelSummary as the service sends it. */
export interface CustomModelJson {
  modelArn: string;
  modelName: string;
  creationTime: string;
  baseModelArn: string;
  baseModelName: string;
  customizationType?: 'FINE_TUNING' | 'CONTINUED_PRE_TRAINING' | 'DISTILLATION' | 'IMPORTED';
  ownerAccountId?: string;
  modelStatus?: 'Active' | 'Creating' | 'Failed';
}

/** ProvisionedModelSummary as the service sends it. */
export interface ProvisionedThroughputJson {
  provisionedModelName: string;
  provisionedModelArn: string;
  /** The model it serves: a foundation model ARN or a custom model ARN. */
  modelArn: string;
  desiredModelArn: string;
  foundationModelArn: string;
  modelUnits: number;
  desiredModelUnits: number;
  status: 'Creating' | 'InService' | 'Updating' | 'Failed';
  commitmentDuration?: 'OneMonth' | 'SixMonths';
  commitmentExpirationTime?: string;
  creationTime: string;
  lastModifiedTime: string;
}

/** GetFoundationModelAvailability's response fields, each overridable per model. */
export interface AvailabilityJson {
  agreementAvailability: { status: 'AVAILABLE' | 'PENDING' | 'NOT_AVAILABLE' | 'ERROR'; errorMessage?: string };
  authorizationStatus: 'AUTHORIZED' | 'NOT_AUTHORIZED';
  entitlementAvailability: 'AVAILABLE' | 'NOT_AVAILABLE';
  regionAvailability: 'AVAILABLE' | 'NOT_AVAILABLE';
}

export interface ControlPlaneData {
  region: string;
  accountId: string;
  foundationModels: FoundationModelJson[];
  profiles: InferenceProfileJson[];
  /** ListCustomModels: the account's custom models (any provider: discovery keeps the Llama ones). */
  customModels: CustomModelJson[];
  /** ListProvisionedModelThroughputs: the account's provisioned throughputs (any provider). */
  provisionedThroughputs: ProvisionedThroughputJson[];
  /** AccessDeniedException for every control-plane call (true) or for the listed operations. */
  denied: boolean | ControlPlaneOperation[];
  /** Per model id; models not named are available. */
  availability: Record<string, Partial<AvailabilityJson>>;
  /** Largest page of ListInferenceProfiles, ListCustomModels and ListProvisionedModelThroughputs (a smaller maxResults wins), so pagination is exercised. */
  pageSize: number;
}

/** An answer: a JSON body, or a Bedrock error. */
export type ControlPlaneAnswer =
  | { operation: ControlPlaneOperation; body: unknown }
  | { operation: ControlPlaneOperation; error: { errorType: string; status: number; message: string } };

export const TEST_ACCOUNT_ID = '123456789012';
/** The application inference profile of the default data: a user-named profile for Llama 3.3 70B. */
export const TEST_APPLICATION_PROFILE_NAME = 'team-chat-llama33';
export const TEST_APPLICATION_PROFILE_ARN = `arn:aws:bedrock:us-west-2:${TEST_ACCOUNT_ID}:application-inference-profile/a1b2c3d4e5f6`;

/**
 * The default data's custom model: a Llama 3.1 8B fine-tune whose ARN (the newer, short form)
 * shows no base model, so its template, window and price come through discovery.
 */
export const TEST_CUSTOM_MODEL_NAME = 'support-bot-llama31-8b';
export const TEST_CUSTOM_MODEL_ARN = `arn:aws:bedrock:us-west-2:${TEST_ACCOUNT_ID}:custom-model/k7m2p9q4r1s8`;
/** The default data's InService provisioned throughput of Llama 3.1 70B (128K variant), 2 model units, no commitment. */
export const TEST_PROVISIONED_NAME = 'llama31-70b-prod';
export const TEST_PROVISIONED_ARN = `arn:aws:bedrock:us-west-2:${TEST_ACCOUNT_ID}:provisioned-model/pt70b0000001`;
/** The default data's provisioned throughput still Creating: 1 model unit, one month, for the custom model. */
export const TEST_PROVISIONED_CREATING_NAME = 'support-bot-pt';
export const TEST_PROVISIONED_CREATING_ARN = `arn:aws:bedrock:us-west-2:${TEST_ACCOUNT_ID}:provisioned-model/ptbot0000002`;

const US_REGIONS = ['us-east-1', 'us-east-2', 'us-west-2'];

function fm(region: string, modelId: string, modelName: string, more: { image?: boolean; stream?: boolean; types: string[]; legacy?: boolean }): FoundationModelJson {
  return {
    modelArn: `arn:aws:bedrock:${region}::foundation-model/${modelId}`,
    modelId,
    modelName,
    providerName: 'Meta',
    inputModalities: more.image ? ['TEXT', 'IMAGE'] : ['TEXT'],
    outputModalities: ['TEXT'],
    responseStreamingSupported: more.stream ?? true,
    customizationsSupported: [],
    inferenceTypesSupported: more.types,
    modelLifecycle: { status: more.legacy ? 'LEGACY' : 'ACTIVE' },
  };
}

function systemProfile(prefix: string, modelId: string, name: string, regions: string[], account: string, region: string): InferenceProfileJson {
  const id = `${prefix}.${modelId}`;
  return {
    inferenceProfileName: name,
    inferenceProfileArn: `arn:aws:bedrock:${region}:${account}:inference-profile/${id}`,
    inferenceProfileId: id,
    description: `Routes requests to ${name.replace(/^\w+ /, '')} in ${regions.join(', ')}.`,
    createdAt: '2024-09-24T00:00:00Z',
    updatedAt: '2024-09-24T00:00:00Z',
    models: regions.map((r) => ({ modelArn: `arn:aws:bedrock:${r}::foundation-model/${modelId}` })),
    status: 'ACTIVE',
    type: 'SYSTEM_DEFINED',
  };
}

/**
 * What us-west-2 lists for Meta (mid-2025 shape): Llama 4 (no streaming) and 3.2/3.3 only
 * through `us.` profiles, 3.1 on demand and through profiles, Llama 3 on demand, Llama 2 13B
 * as LEGACY, a provisioned-only 128K variant; one `global.` profile (test data: AWS lists
 * none for Meta models as of the catalog's date), a Claude profile that discovery must skip,
 * and one application profile with a user-given name over Llama 3.3 70B.
 */
export function defaultControlPlaneData(region = 'us-west-2', accountId = TEST_ACCOUNT_ID): ControlPlaneData {
  const P = ['INFERENCE_PROFILE'];
  const OD = ['ON_DEMAND', 'INFERENCE_PROFILE'];
  const models = [
    fm(region, 'meta.llama4-maverick-17b-instruct-v1:0', 'Llama 4 Maverick 17B Instruct', { image: true, stream: false, types: P }),
    fm(region, 'meta.llama4-scout-17b-instruct-v1:0', 'Llama 4 Scout 17B Instruct', { image: true, stream: false, types: P }),
    fm(region, 'meta.llama3-3-70b-instruct-v1:0', 'Llama 3.3 70B Instruct', { types: P }),
    fm(region, 'meta.llama3-2-90b-instruct-v1:0', 'Llama 3.2 90B Instruct', { image: true, types: P }),
    fm(region, 'meta.llama3-2-11b-instruct-v1:0', 'Llama 3.2 11B Instruct', { image: true, types: P }),
    fm(region, 'meta.llama3-2-3b-instruct-v1:0', 'Llama 3.2 3B Instruct', { types: P }),
    fm(region, 'meta.llama3-2-1b-instruct-v1:0', 'Llama 3.2 1B Instruct', { types: P }),
    fm(region, 'meta.llama3-1-405b-instruct-v1:0', 'Llama 3.1 405B Instruct', { types: OD }),
    fm(region, 'meta.llama3-1-70b-instruct-v1:0', 'Llama 3.1 70B Instruct', { types: OD }),
    fm(region, 'meta.llama3-1-70b-instruct-v1:0:128k', 'Llama 3.1 70B Instruct', { types: ['PROVISIONED'] }),
    fm(region, 'meta.llama3-1-8b-instruct-v1:0', 'Llama 3.1 8B Instruct', { types: OD }),
    fm(region, 'meta.llama3-70b-instruct-v1:0', 'Llama 3 70B Instruct', { types: ['ON_DEMAND'] }),
    fm(region, 'meta.llama3-8b-instruct-v1:0', 'Llama 3 8B Instruct', { types: ['ON_DEMAND'] }),
    fm(region, 'meta.llama2-13b-chat-v1', 'Llama 2 Chat 13B', { types: ['ON_DEMAND'], legacy: true }),
  ];
  const us = (modelId: string, name: string) => systemProfile('us', modelId, `US ${name}`, US_REGIONS, accountId, region);
  const profiles: InferenceProfileJson[] = [
    us('meta.llama4-maverick-17b-instruct-v1:0', 'Llama 4 Maverick 17B Instruct'),
    us('meta.llama4-scout-17b-instruct-v1:0', 'Llama 4 Scout 17B Instruct'),
    us('meta.llama3-3-70b-instruct-v1:0', 'Meta Llama 3.3 70B Instruct'),
    us('meta.llama3-2-90b-instruct-v1:0', 'Meta Llama 3.2 90B Vision Instruct'),
    us('meta.llama3-2-11b-instruct-v1:0', 'Meta Llama 3.2 11B Vision Instruct'),
    us('meta.llama3-2-3b-instruct-v1:0', 'Meta Llama 3.2 3B Instruct'),
    us('meta.llama3-2-1b-instruct-v1:0', 'Meta Llama 3.2 1B Instruct'),
    us('meta.llama3-1-405b-instruct-v1:0', 'Meta Llama 3.1 405B Instruct'),
    us('meta.llama3-1-70b-instruct-v1:0', 'Meta Llama 3.1 70B Instruct'),
    us('meta.llama3-1-8b-instruct-v1:0', 'Meta Llama 3.1 8B Instruct'),
    systemProfile('global', 'meta.llama3-3-70b-instruct-v1:0', 'GLOBAL Meta Llama 3.3 70B Instruct', ['us-west-2', 'eu-west-1', 'ap-northeast-1'], accountId, region),
    systemProfile('us', 'anthropic.claude-3-5-haiku-20241022-v1:0', 'US Anthropic Claude 3.5 Haiku', US_REGIONS, accountId, region),
    {
      inferenceProfileName: TEST_APPLICATION_PROFILE_NAME,
      inferenceProfileArn: TEST_APPLICATION_PROFILE_ARN.replace('us-west-2', region).replace(TEST_ACCOUNT_ID, accountId),
      inferenceProfileId: 'a1b2c3d4e5f6',
      description: 'Cost tracking for the team chat',
      createdAt: '2025-03-01T12:00:00Z',
      updatedAt: '2025-03-01T12:00:00Z',
      models: [{ modelArn: `arn:aws:bedrock:${region}::foundation-model/meta.llama3-3-70b-instruct-v1:0` }],
      status: 'ACTIVE',
      type: 'APPLICATION',
    },
    {
      inferenceProfileName: 'claude-costs',
      inferenceProfileArn: `arn:aws:bedrock:${region}:${accountId}:application-inference-profile/zz9988776655`,
      inferenceProfileId: 'zz9988776655',
      models: [{ modelArn: `arn:aws:bedrock:${region}::foundation-model/anthropic.claude-3-5-haiku-20241022-v1:0` }],
      status: 'ACTIVE',
      type: 'APPLICATION',
    },
  ];
  const arn = (value: string) => value.replace('us-west-2', region).replace(TEST_ACCOUNT_ID, accountId);
  const foundation = (modelId: string) => `arn:aws:bedrock:${region}::foundation-model/${modelId}`;
  const customModels: CustomModelJson[] = [
    {
      modelArn: arn(TEST_CUSTOM_MODEL_ARN),
      modelName: TEST_CUSTOM_MODEL_NAME,
      creationTime: '2025-04-02T09:30:00Z',
      baseModelArn: foundation('meta.llama3-1-8b-instruct-v1:0:128k'),
      baseModelName: 'Llama 3.1 8B Instruct',
      customizationType: 'FINE_TUNING',
      ownerAccountId: accountId,
      modelStatus: 'Active',
    },
    {
      modelArn: `arn:aws:bedrock:${region}:${accountId}:custom-model/amazon.titan-text-express-v1:0:8k/t1t4n0000001`,
      modelName: 'titan-summaries',
      creationTime: '2025-02-10T16:00:00Z',
      baseModelArn: foundation('amazon.titan-text-express-v1:0:8k'),
      baseModelName: 'Titan Text G1 - Express',
      customizationType: 'FINE_TUNING',
      ownerAccountId: accountId,
      modelStatus: 'Active',
    },
  ];
  const provisionedThroughputs: ProvisionedThroughputJson[] = [
    {
      provisionedModelName: TEST_PROVISIONED_NAME,
      provisionedModelArn: arn(TEST_PROVISIONED_ARN),
      modelArn: foundation('meta.llama3-1-70b-instruct-v1:0:128k'),
      desiredModelArn: foundation('meta.llama3-1-70b-instruct-v1:0:128k'),
      foundationModelArn: foundation('meta.llama3-1-70b-instruct-v1:0:128k'),
      modelUnits: 2,
      desiredModelUnits: 2,
      status: 'InService',
      creationTime: '2025-03-15T08:00:00Z',
      lastModifiedTime: '2025-03-15T08:20:00Z',
    },
    {
      provisionedModelName: TEST_PROVISIONED_CREATING_NAME,
      provisionedModelArn: arn(TEST_PROVISIONED_CREATING_ARN),
      modelArn: arn(TEST_CUSTOM_MODEL_ARN),
      desiredModelArn: arn(TEST_CUSTOM_MODEL_ARN),
      foundationModelArn: foundation('meta.llama3-1-8b-instruct-v1:0:128k'),
      modelUnits: 1,
      desiredModelUnits: 1,
      status: 'Creating',
      commitmentDuration: 'OneMonth',
      commitmentExpirationTime: '2025-05-02T10:00:00Z',
      creationTime: '2025-04-02T10:00:00Z',
      lastModifiedTime: '2025-04-02T10:00:00Z',
    },
  ];
  return { region, accountId, foundationModels: models, profiles, customModels, provisionedThroughputs, denied: false, availability: {}, pageSize: 4 };
}

/** The operation a request is for, or undefined when it is not a control-plane call. */
export function controlPlaneOperation(method: string, path: string): ControlPlaneOperation | undefined {
  if (method !== 'GET') return undefined;
  if (path === '/foundation-models') return 'ListFoundationModels';
  if (/^\/foundation-models\/[^/]+$/.test(path)) return 'GetFoundationModel';
  if (path === '/inference-profiles') return 'ListInferenceProfiles';
  if (/^\/inference-profiles\/[^/]+$/.test(path)) return 'GetInferenceProfile';
  if (/^\/foundation-model-availability\/[^/]+$/.test(path)) return 'GetFoundationModelAvailability';
  if (path === '/custom-models') return 'ListCustomModels';
  if (path === '/provisioned-model-throughputs') return 'ListProvisionedModelThroughputs';
  return undefined;
}

export class ControlPlane {
  data: ControlPlaneData;

  constructor(private readonly initial: Partial<ControlPlaneData> = {}) {
    this.data = this.fresh();
  }

  /** Back to the data the server was created with. */
  reset(): void {
    this.data = this.fresh();
  }

  /** The answer to `GET url`, or undefined when it is not a control-plane call. */
  answer(method: string, url: string): ControlPlaneAnswer | undefined {
    const parsed = new URL(url, 'http://local');
    const path = parsed.pathname;
    const operation = controlPlaneOperation(method, path);
    if (!operation) return undefined;
    const d = this.data;
    if (d.denied === true || (Array.isArray(d.denied) && d.denied.includes(operation))) {
      const message = `User: arn:aws:iam::${d.accountId}:user/test is not authorized to perform: bedrock:${operation} because no identity-based policy allows the bedrock:${operation} action`;
      return { operation, error: { errorType: 'AccessDeniedException', status: 403, message } };
    }
    const q = parsed.searchParams;
    const last = decodeURIComponent(path.slice(path.lastIndexOf('/') + 1));
    switch (operation) {
      case 'ListFoundationModels': {
        const by = (name: string) => q.get(name)?.toUpperCase();
        const models = d.foundationModels.filter((m) =>
          (!q.get('byProvider') || m.providerName.toLowerCase() === q.get('byProvider')?.toLowerCase()) &&
          (!by('byInferenceType') || m.inferenceTypesSupported.includes(by('byInferenceType') ?? '')) &&
          (!by('byOutputModality') || m.outputModalities.includes(by('byOutputModality') ?? '')) &&
          (!by('byCustomizationType') || m.customizationsSupported.includes(by('byCustomizationType') ?? '')));
        return { operation, body: { modelSummaries: models } };
      }
      case 'GetFoundationModel': {
        const model = d.foundationModels.find((m) => m.modelId === last || m.modelArn === last);
        return model ? { operation, body: { modelDetails: model } } : notFound(operation, `The model ${last} was not found.`);
      }
      case 'ListInferenceProfiles':
        return this.listProfiles(q);
      case 'GetInferenceProfile': {
        const profile = d.profiles.find((p) => p.inferenceProfileId === last || p.inferenceProfileArn === last);
        return profile ? { operation, body: profile } : notFound(operation, `The inference profile ${last} was not found.`);
      }
      case 'GetFoundationModelAvailability': {
        if (!d.foundationModels.some((m) => m.modelId === last)) return notFound(operation, `The model ${last} was not found.`);
        const available: AvailabilityJson = {
          agreementAvailability: { status: 'AVAILABLE' },
          authorizationStatus: 'AUTHORIZED',
          entitlementAvailability: 'AVAILABLE',
          regionAvailability: 'AVAILABLE',
        };
        return { operation, body: { modelId: last, ...available, ...d.availability[last] } };
      }
      case 'ListCustomModels': {
        const models = d.customModels.filter((m) =>
          (!q.get('baseModelArnEquals') || m.baseModelArn === q.get('baseModelArnEquals')) &&
          (!q.get('foundationModelArnEquals') || m.baseModelArn === q.get('foundationModelArnEquals')) &&
          (!q.get('nameContains') || m.modelName.includes(q.get('nameContains') ?? '')) &&
          (!q.get('modelStatus') || (m.modelStatus ?? 'Active') === q.get('modelStatus')));
        return this.page(operation, q, models, 'modelSummaries');
      }
      case 'ListProvisionedModelThroughputs': {
        const throughputs = d.provisionedThroughputs.filter((p) =>
          (!q.get('statusEquals') || p.status === q.get('statusEquals')) &&
          (!q.get('modelArnEquals') || p.modelArn === q.get('modelArnEquals')) &&
          (!q.get('nameContains') || p.provisionedModelName.includes(q.get('nameContains') ?? '')));
        return this.page(operation, q, throughputs, 'provisionedModelSummaries');
      }
    }
  }

  private listProfiles(q: URLSearchParams): ControlPlaneAnswer {
    const type = q.get('type') ?? q.get('typeEquals');
    return this.page('ListInferenceProfiles', q, this.data.profiles.filter((p) => !type || p.type === type), 'inferenceProfileSummaries');
  }

  // Pages are offsets behind an opaque token, as the service's tokens are opaque.
  private page(operation: ControlPlaneOperation, q: URLSearchParams, all: readonly unknown[], field: string): ControlPlaneAnswer {
    const max = Number(q.get('maxResults') ?? 1000);
    if (!Number.isInteger(max) || max < 1 || max > 1000) {
      return { operation, error: { errorType: 'ValidationException', status: 400, message: `1 validation error detected: Value '${q.get('maxResults')}' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 1000` } };
    }
    const token = q.get('nextToken');
    const start = token ? Number(Buffer.from(token, 'base64url').toString('utf8').replace(/^offset:/, '')) : 0;
    if (!Number.isInteger(start) || start < 0) return { operation, error: { errorType: 'ValidationException', status: 400, message: 'Invalid pagination token.' } };
    const size = Math.min(max, this.data.pageSize);
    const page = all.slice(start, start + size);
    const next = start + size < all.length ? Buffer.from(`offset:${start + size}`).toString('base64url') : undefined;
    return { operation, body: next ? { [field]: page, nextToken: next } : { [field]: page } };
  }

  private fresh(): ControlPlaneData {
    const base = defaultControlPlaneData(this.initial.region, this.initial.accountId);
    return structuredClone({ ...base, ...this.initial });
  }
}

function notFound(operation: ControlPlaneOperation, message: string): ControlPlaneAnswer {
  return { operation, error: { errorType: 'ResourceNotFoundException', status: 404, message } };
}
