// The AWS SDK pieces the client uses, gathered in one module so the build can emit
// them as a separate file (dist/sdk.js) that is loaded on first use, never during
// activation: parsing the SDK costs ~100 ms. The proxy agents ride along for the same reason.
export {
  BedrockRuntimeClient,
  InvokeModelCommand,
  InvokeModelWithResponseStreamCommand,
} from '@aws-sdk/client-bedrock-runtime';
export { fromIni, fromNodeProviderChain } from '@aws-sdk/credential-providers';
export { NodeHttpHandler } from '@smithy/node-http-handler';
export { ProxyRoutingAgent } from './proxyAgent';
