// The AWS SDK pieces the client uses, gathered in one module so the build can emit
// them as a separate file (dist/sdk.js) that is loaded on first use, never during
// activation: parsing the SDK costs ~100 ms. The proxy agents ride along for the same reason.
export {
  BedrockRuntimeClient,
  InvokeModelCommand,
  InvokeModelWithResponseStreamCommand,
} from '@aws-sdk/client-bedrock-runtime';
// The control plane (model discovery) adds ~90 KB here; a file of its own would repeat the
// ~300 KB of shared SDK core and parse it while the first request may be running.
export {
  BedrockClient,
  GetFoundationModelAvailabilityCommand,
  GetInferenceProfileCommand,
  ListCustomModelsCommand,
  ListFoundationModelsCommand,
  ListInferenceProfilesCommand,
  ListProvisionedModelThroughputsCommand,
} from '@aws-sdk/client-bedrock';
export { fromIni, fromNodeProviderChain } from '@aws-sdk/credential-providers';
export { NodeHttpHandler } from '@smithy/node-http-handler';
export { ProxyRoutingAgent } from './proxyAgent';
