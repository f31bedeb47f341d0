// The control plane's SDK pieces (model discovery), a file of their own (dist/controlSdk.js):
// discovery starts only once the first request's answer is coming, so the ~90 KB of commands
// and the SDK core they repeat are never parsed on the first request's path (dist/sdk.js).
export {
  BedrockClient,
  GetFoundationModelAvailabilityCommand,
  GetInferenceProfileCommand,
  ListCustomModelsCommand,
  ListFoundationModelsCommand,
  ListInferenceProfilesCommand,
  ListProvisionedModelThroughputsCommand,
} from '@aws-sdk/client-bedrock';
