// The control plane's SDK pieces (model discovery and batch jobs), a file of their own
// (dist/controlSdk.js): discovery starts only once the first request's answer is coming, so the
// ~90 KB of commands and the SDK core they repeat are never parsed on the first request's path
// (dist/sdk.js). The batch job commands ride along: they share the client and its schemas.
export {
  BedrockClient,
  CreateModelInvocationJobCommand,
  GetFoundationModelAvailabilityCommand,
  GetInferenceProfileCommand,
  GetModelInvocationJobCommand,
  ListCustomModelsCommand,
  ListFoundationModelsCommand,
  ListInferenceProfilesCommand,
  ListModelInvocationJobsCommand,
  ListProvisionedModelThroughputsCommand,
  StopModelInvocationJobCommand,
} from '@aws-sdk/client-bedrock';
