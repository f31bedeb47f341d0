// What the Settings editor shows for each setting (package.json `contributes.configuration`):
// kept apart from the rules in settingsSchema.ts so the activation bundle, which validates
// settings, does not carry these texts. scripts/sync-settings.ts joins the two.
import type { SettingKey } from './settingsSchema';

export interface SettingDocs {
  description: string;
  markdownDescription: string;
  enumDescriptions?: readonly string[];
  editPresentation?: 'multilineText';
  order: number;
}

export const SETTINGS_DOCS: Record<SettingKey, SettingDocs> = {
  "bedrockLlama.modelId": {
    description: "Bedrock model id, inference-profile id (e.g. us.meta.llama3-3-70b-instruct-v1:0) or ARN (custom, provisioned or application-profile models).",
    markdownDescription: "Bedrock model id, inference-profile id (e.g. `us.meta.llama3-3-70b-instruct-v1:0`) or ARN (custom, provisioned or application-profile models). Use **Llama: Select Model…** to pick from the supported Llama models.",
    order: 0
  },
  "bedrockLlama.modelFamily": {
    description: "Prompt format of the model. Only needed for ARNs and custom ids that do not show which Llama version they are.",
    markdownDescription: "Prompt format of the model. Only needed when `#bedrockLlama.modelId#` is an ARN or custom id that does not show which Llama version it is (provisioned throughput, application inference profile, imported model); ids that name a Llama model always use that model's format.",
    enumDescriptions: [
      "Tell from the model id.",
      "Llama 4 chat template (answers are not streamed).",
      "Llama 3.x chat template.",
      "Llama 2 [INST] chat template."
    ],
    order: 1
  },
  "bedrockLlama.region": {
    description: "AWS region of the Bedrock runtime, e.g. us-west-2. Empty: the AWS SDK's own resolution (AWS_REGION, the profile's region).",
    markdownDescription: "AWS region of the Bedrock runtime, e.g. `us-west-2`. Empty: the AWS SDK's own resolution (`AWS_REGION`, the profile's region).",
    order: 2
  },
  "bedrockLlama.profile": {
    description: "Named profile from the shared AWS config files (~/.aws/config, ~/.aws/credentials): keys, SSO, role or credential_process. Empty: the SDK's default credential chain. A Bedrock API key (Llama: Set Bedrock API Key) takes precedence.",
    markdownDescription: "Named profile from the shared AWS config files (`~/.aws/config`, `~/.aws/credentials`): keys, SSO, role or `credential_process`. Empty: the SDK's default credential chain (environment, default profile, container or instance role). A Bedrock API key set with **Llama: Set Bedrock API Key** takes precedence; a profile set here takes precedence over `AWS_BEARER_TOKEN_BEDROCK`.",
    order: 3
  },
  "bedrockLlama.endpoint": {
    description: "Endpoint URL override (VPC endpoint, proxy, or a local Bedrock-compatible server). Empty: the regional Bedrock runtime endpoint.",
    markdownDescription: "Endpoint URL override (VPC endpoint, proxy, or a local Bedrock-compatible server), e.g. `https://bedrock-runtime.us-west-2.amazonaws.com`. Empty: the regional Bedrock runtime endpoint.",
    order: 4
  },
  "bedrockLlama.inferenceProfile": {
    description: "How to use cross-region inference profiles for model ids without a geography prefix.",
    markdownDescription: "How to use cross-region inference profiles for model ids without a geography prefix. `auto`: when Bedrock answers that the model needs an inference profile, retry with the geography prefix of the region (`us.`, `eu.`, `apac.`) and remember it.",
    enumDescriptions: [
      "When Bedrock answers that the model needs an inference profile, retry with the geography of the region and remember it.",
      "Always send the model id as configured.",
      "Use the US cross-region inference profile (us.).",
      "Use the EU cross-region inference profile (eu.).",
      "Use the Asia-Pacific cross-region inference profile (apac.).",
      "Use the global cross-region inference profile (global.)."
    ],
    order: 5
  },
  "bedrockLlama.temperature": {
    description: "Sampling temperature, 0 to 1. Lower is more focused and repeatable, higher more varied.",
    markdownDescription: "Sampling temperature, `0` to `1`. Lower is more focused and repeatable, higher more varied.",
    order: 6
  },
  "bedrockLlama.topP": {
    description: "Nucleus sampling, 0 to 1: only the most likely tokens whose probabilities add up to this value are considered.",
    markdownDescription: "Nucleus sampling, `0` to `1`: only the most likely tokens whose probabilities add up to this value are considered.",
    order: 7
  },
  "bedrockLlama.maxGenLen": {
    description: "Maximum number of tokens to generate per response, 1 to 8192; a model takes at most its own limit (2048 for Llama 3 and 2, 8192 for Llama 4), and larger values are sent as that limit. Longer answers stop and offer Continue Generating.",
    markdownDescription: "Maximum number of tokens to generate per response, `1` to `8192`. Each model takes at most its own limit (`2048` for Llama 3.x and 2, `8192` for Llama 4); a larger value is sent as that limit (**Llama: Show Last Prompt** shows what was sent). Longer answers stop and offer **Llama: Continue Generating**.",
    order: 8
  },
  "bedrockLlama.systemPrompt": {
    description: "Extra system instructions added to every prompt.",
    markdownDescription: "Extra system instructions added to every prompt.",
    editPresentation: "multilineText",
    order: 9
  },
  "bedrockLlama.responseLanguage": {
    description: "Answer in this language (e.g. German). Empty: the language of the question.",
    markdownDescription: "Answer in this language (e.g. `German`). Empty: the language of the question.",
    order: 10
  },
  "bedrockLlama.pricing": {
    description: "Per-model price overrides in USD per 1M tokens, keyed by model id: { \"<modelId>\": { \"input\": 0.72, \"output\": 0.72 } }.",
    markdownDescription: "Per-model price overrides in USD per 1M tokens, keyed by the model id as you set it or by its base model id: `{ \"<modelId>\": { \"input\": 0.72, \"output\": 0.72 } }`. Needed to see costs for custom and provisioned models; overrides the built-in list prices.",
    order: 11
  },
  "bedrockLlama.budgetUsd": {
    description: "Warn once the session cost passes this amount in USD, up to 1000000. 0: no budget.",
    markdownDescription: "Warn once the session cost passes this amount in USD, up to `1000000`. `0`: no budget.",
    order: 12
  },
  "bedrockLlama.idleTimeoutSeconds": {
    description: "Stop a response when Bedrock sends nothing for this many seconds, 0 to 3600; the text so far is kept. 0: wait indefinitely.",
    markdownDescription: "Stop a response when Bedrock sends nothing for this many seconds, `0` to `3600` (before the first chunk or between chunks); the text received so far is kept and you can retry. `0`: wait indefinitely.",
    order: 13
  },
  "bedrockLlama.latency": {
    description: "Latency-optimized inference where Bedrock offers it for the model and region; elsewhere standard, and you are told once.",
    markdownDescription: "Latency-optimized inference where Bedrock offers it for the model and region (Llama 3.1 70B and 405B in `us-east-2`); elsewhere requests go as standard and you are told once. The meter prices what Bedrock reports it served.",
    enumDescriptions: [
      "Standard inference.",
      "Latency-optimized inference where Bedrock offers it for the model and region (Llama 3.1 70B and 405B in us-east-2); elsewhere standard, and you are told once."
    ],
    order: 14
  },
  "bedrockLlama.serviceTier": {
    description: "Bedrock service tier; a tier the model refuses falls back to default, visibly.",
    markdownDescription: "Bedrock service tier. A tier the model refuses falls back to `default` once, and you are told.",
    enumDescriptions: [
      "The standard tier.",
      "Faster processing at a higher price, where the model offers it.",
      "Lower price for work that can wait, where the model offers it."
    ],
    order: 15
  },
  "bedrockLlama.guardrailId": {
    description: "A Bedrock guardrail (identifier or ARN) applied to every request; an intervention is shown as such. Empty: none.",
    markdownDescription: "A Bedrock guardrail (identifier or ARN) applied to every request, with `#bedrockLlama.guardrailVersion#`. An intervention is shown as \"Blocked by guardrail\", never as an answer. Empty: none.",
    order: 16
  },
  "bedrockLlama.guardrailVersion": {
    description: "Version of the guardrail in bedrockLlama.guardrailId: a version number or DRAFT.",
    markdownDescription: "Version of the guardrail in `#bedrockLlama.guardrailId#`: a version number or `DRAFT`.",
    order: 17
  },
  "bedrockLlama.cacheTtlMinutes": {
    description: "Reuse the answer to an identical request (same model, prompt and parameters) for this many minutes, up to 43200 (30 days); a cached answer is marked and costs nothing. 0: no cache.",
    markdownDescription: "Reuse the answer to an identical request (same model, prompt, parameters, images and guardrail) for this many minutes, up to `43200` (30 days). A cached answer is marked \"cached · $0\" and costs nothing; **Ask again** goes to Bedrock. `0`: no cache. **Llama: Clear Response Cache** empties it.",
    order: 18
  },
  "bedrockLlama.dailyBudgetUsd": {
    description: "Spending limit per day in USD over all windows, up to 1000000; what happens is set by bedrockLlama.budgetAction. 0: none.",
    markdownDescription: "Spending limit per day (your local time) in USD over all windows, up to `1000000`; what happens is set by `#bedrockLlama.budgetAction#`. `0`: none.",
    order: 19
  },
  "bedrockLlama.monthlyBudgetUsd": {
    description: "Spending limit per calendar month in USD over all windows, up to 1000000; what happens is set by bedrockLlama.budgetAction. 0: none.",
    markdownDescription: "Spending limit per calendar month (your local time) in USD over all windows, up to `1000000`; what happens is set by `#bedrockLlama.budgetAction#`. `0`: none.",
    order: 20
  },
  "bedrockLlama.budgetAction": {
    description: "What happens when a request would pass the daily, monthly or session budget.",
    markdownDescription: "What happens when a request would pass `#bedrockLlama.dailyBudgetUsd#`, `#bedrockLlama.monthlyBudgetUsd#` or `#bedrockLlama.budgetUsd#`.",
    enumDescriptions: [
      "Warn at 80 % and at 100 % of a budget, once each.",
      "Ask before sending a request that would pass a budget, with its estimated cost and what is left.",
      "Send nothing that would pass a budget, and say which budget and how to raise it."
    ],
    order: 21
  },
  "bedrockLlama.confirmAboveUsd": {
    description: "Ask before sending a request whose estimated cost (the prompt plus max_gen_len of answer) is above this many USD. 0: never ask.",
    markdownDescription: "Ask before sending a request whose estimated cost is above this many USD: the prompt (estimated) at the input price plus `#bedrockLlama.maxGenLen#` tokens at the output price, an upper bound. `0`: never ask.",
    order: 22
  },
  "bedrockLlama.routing": {
    description: "auto: each task goes to the model in bedrockLlama.taskModels for it, or a small model for small tasks (inline summaries, Summarize Files…); the answer says which model answered. off: everything goes to the selected model.",
    markdownDescription: "`auto`: each task goes to the model `#bedrockLlama.taskModels#` names for it; without one, inline summaries of up to 300 lines and **Summarize Files…** go to the smallest Llama the region offers (Llama 3.2 3B, else Llama 3.1 8B) when it is cheaper than the selected model. Explain, Ask and chat go to the selected model. Every answer says which model answered and what it cost; a routed chat answer offers **Ask** the selected model. `off`: everything goes to the selected model.",
    enumDescriptions: [
      "Everything goes to the selected model (bedrockLlama.modelId).",
      "Each task goes to its model in bedrockLlama.taskModels, or small tasks to a small model."
    ],
    order: 23
  },
  "bedrockLlama.taskModels": {
    description: "With bedrockLlama.routing auto: a model per task, e.g. { \"summarize\": \"meta.llama3-2-3b-instruct-v1:0\", \"chat\": \"us.meta.llama3-3-70b-instruct-v1:0\" }. Tasks: summarize, explain, ask, chat, batch.",
    markdownDescription: "With `#bedrockLlama.routing#` `auto`: a model per task, by Bedrock model id, inference-profile id or ARN, e.g. `{ \"summarize\": \"meta.llama3-2-3b-instruct-v1:0\", \"chat\": \"us.meta.llama3-3-70b-instruct-v1:0\" }`. Tasks: `summarize`, `explain`, `ask`, `chat`, `batch`. A task without an entry follows the built-in rule.",
    order: 24
  },
  "bedrockLlama.batch.concurrency": {
    description: "Summarize Files…: how many requests run at once, 1 to 32. Halved while Bedrock throttles, raised again step by step as requests succeed, never above this.",
    markdownDescription: "**Summarize Files…**: how many requests run at once, `1` to `32`. Halved while Bedrock throttles, raised again one step at a time as requests succeed, never above this value.",
    order: 25
  },
  "bedrockLlama.batch.mode": {
    description: "How Summarize Files… runs: on demand (requests as they go), as a Bedrock batch inference job through S3, or auto (a batch job from bedrockLlama.batch.jobThreshold files when batch.s3Uri and batch.roleArn are set).",
    markdownDescription: "How **Summarize Files…** runs: `onDemand` sends requests as it goes; `bedrockBatch` runs a Bedrock batch inference job through S3 (`#bedrockLlama.batch.s3Uri#`, `#bedrockLlama.batch.roleArn#`); `auto` uses a batch job from `#bedrockLlama.batch.jobThreshold#` files when both are set, else on demand.",
    enumDescriptions: [
      "A Bedrock batch job from bedrockLlama.batch.jobThreshold files when batch.s3Uri and batch.roleArn are set; otherwise on demand.",
      "Requests on demand, bedrockLlama.batch.concurrency at a time.",
      "A Bedrock batch inference job through S3."
    ],
    order: 26
  },
  "bedrockLlama.batch.s3Uri": {
    description: "Where Bedrock batch jobs keep their input and output, e.g. s3://my-bucket/llama-batch/. Empty: no batch jobs.",
    markdownDescription: "Where Bedrock batch inference jobs keep their input and output, e.g. `s3://my-bucket/llama-batch/`. Empty: no batch jobs. Read from user settings only.",
    order: 27
  },
  "bedrockLlama.batch.roleArn": {
    description: "The IAM service role Bedrock batch jobs run as (it reads and writes bedrockLlama.batch.s3Uri), e.g. arn:aws:iam::123456789012:role/BedrockBatch. Empty: no batch jobs.",
    markdownDescription: "The IAM service role Bedrock batch inference jobs run as (it reads and writes `#bedrockLlama.batch.s3Uri#`), e.g. `arn:aws:iam::123456789012:role/BedrockBatch`. Empty: no batch jobs. Read from user settings only.",
    order: 28
  },
  "bedrockLlama.batch.jobThreshold": {
    description: "With bedrockLlama.batch.mode auto: from how many files Summarize Files… uses a Bedrock batch job.",
    markdownDescription: "With `#bedrockLlama.batch.mode#` `auto`: from how many files **Summarize Files…** uses a Bedrock batch job (when `#bedrockLlama.batch.s3Uri#` and `#bedrockLlama.batch.roleArn#` are set).",
    order: 29
  }
};
