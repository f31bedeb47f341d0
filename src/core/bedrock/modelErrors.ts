// Messages for a model Bedrock will not run for this caller: not offered in the region,
// access never granted, an IAM or organization policy in the way, a country restriction,
// an inference profile called from outside its geography, or one that is needed.
// Each names the model and the region and says what to change.
import { geographyForRegion, profileIdFor, type Geography } from '../catalog';
import type { BedrockLlamaError, Described } from './errors';
import { redact, truncate } from './redact';

const INFERENCE_PROFILE = /on-demand throughput isn(?:'|’|`)?t supported|with the ID or ARN of an inference profile/i;
const NOT_OFFERED = /model identifier is invalid|invalid model identifier|(not supported|isn(?:'|’)?t supported|not available) in (this|the) region/i;
const LOCATION = /unsupported countr|countries, regions, or territories|not available in your (country|location)|territor/i;
const GEO_PREFIX = /^(us|eu|apac|global)\./;
// Only messages about the guardrail named in the settings: not every text that mentions a guardrail.
const GUARDRAIL = /guardrail (identifier|id|version|arn)\b|guardrail[^.]*\b(does not exist|doesn(?:'|’)t exist|not found|is invalid|invalid)\b/i;
const GUARDRAIL_DENIED = /ApplyGuardrail|on resource:?\s*\S*:guardrail\//i;
const SERVICE_TIER = /service ?tier/i;
// AWS's wording for a model the streaming operations refuse is not documented: match its gist.
const STREAMING = /(doesn(?:'|’)?t|does not|not) support (the )?(response )?stream|stream(ing)? (is )?not supported|InvokeModelWithResponseStream (is )?not supported/i;

const GEOGRAPHY_NAME: Record<Geography, string> = { us: 'US', eu: 'EU', apac: 'Asia Pacific', global: 'global' };
const EXAMPLE_REGION: Record<Geography, string> = { us: 'us-west-2', eu: 'eu-central-1', apac: 'ap-northeast-1', global: 'us-west-2' };

export function modelAccessError(d: Described): BedrockLlamaError {
  const { ctx, rawMessage, make, where } = d;
  if (GUARDRAIL_DENIED.test(rawMessage)) {
    return make('guardrailInvalid', false, `Your IAM identity may not use the guardrail set in bedrockLlama.guardrailId${where} (bedrock:ApplyGuardrail). Ask your AWS administrator to allow it, or clear bedrockLlama.guardrailId.`);
  }
  const model = ctx.modelId;
  const viaProfile = GEO_PREFIX.test(model) || /:inference-profile\//.test(model);
  if (LOCATION.test(rawMessage)) {
    return make('accessDenied', false, `Bedrock does not serve ${model} to your location${where} (a country or territory restriction). Use another Llama model or region, or ask your AWS administrator which models you may use.`);
  }
  if (/AssumeRole/i.test(rawMessage)) {
    const whose = ctx.profile ? ` of AWS profile "${ctx.profile}"` : '';
    return make('accessDenied', false, `AWS refused to let you assume the IAM role${whose} (sts:AssumeRole). Check role_arn and source_profile in the profile, or ask your AWS administrator.`);
  }
  if (/explicit deny/i.test(rawMessage)) {
    const routes = viaProfile ? ' An inference profile also needs every region it routes to allowed.' : '';
    return make('accessDenied', false, `Your organization's policy denies Bedrock access to ${model}${where} (an explicit deny, often a region restriction in a service control policy). Use a region or model your organization allows, or ask your AWS administrator.${routes}`);
  }
  const action = /not authorized to perform:?\s*([\w-]+:[\w*]+)/i.exec(rawMessage)?.[1];
  if (action) {
    const on = viaProfile ? ' on the inference profile and on the model in every region it routes to' : ' on the model';
    return make('accessDenied', false, `Your IAM identity may not call ${action} for ${model}${where}. Ask your AWS administrator to allow bedrock:InvokeModel and bedrock:InvokeModelWithResponseStream${on}.`);
  }
  const console = ctx.region ? ` (region ${ctx.region})` : '';
  const routes = viaProfile ? ' An inference profile needs model access in every region it routes to.' : '';
  return make('accessDenied', false, `Your AWS account has no access to ${model}${where}. Request it under Amazon Bedrock > Model access in the AWS console${console}, then try again.${routes}`);
}

export function modelNotFoundError(d: Described): BedrockLlamaError {
  const { ctx, make, where } = d;
  if (GUARDRAIL.test(d.rawMessage) || /\bguardrail\b/i.test(d.rawMessage)) return guardrailUnknown(d);
  const model = ctx.modelId;
  const profileGeo = GEO_PREFIX.exec(model)?.[1] as Geography | undefined;
  const regionGeo = ctx.region ? geographyForRegion(ctx.region) : undefined;
  // Geofencing: a cross-region profile is only callable from its own geography's regions.
  if (profileGeo && profileGeo !== 'global' && ctx.region && regionGeo !== profileGeo) {
    const alternative = regionGeo ? `, or use the ${GEOGRAPHY_NAME[regionGeo]} profile \`${profileIdFor(model, regionGeo)}\` if the model has one` : '';
    return make('modelNotFound', false, `The inference profile ${model} can only be called from ${GEOGRAPHY_NAME[profileGeo]} regions, not ${ctx.region}. Set bedrockLlama.region to one (e.g. ${EXAMPLE_REGION[profileGeo]})${alternative}.`);
  }
  const hint = !profileGeo && regionGeo && model.startsWith('meta.')
    ? ` (newer Llama models need an inference profile id such as \`${profileIdFor(model, regionGeo)}\`)`
    : '';
  return make('modelNotFound', false, `Bedrock${where} does not offer ${model}, or the id is mistyped. Check the model id and the region${hint}.`);
}

export function validationError(d: Described): BedrockLlamaError {
  const { ctx, rawMessage, make, where } = d;
  const model = ctx.modelId;
  if (INFERENCE_PROFILE.test(rawMessage)) {
    const geography = ctx.region ? geographyForRegion(ctx.region) : 'us';
    if (!geography) {
      return make('needsInferenceProfile', false, `${model} can't be called on demand${where}: Bedrock needs an inference profile for it, and ${ctx.region} is in no Llama inference-profile geography. Set bedrockLlama.region to a US, EU or Asia Pacific region, or use an inference profile ARN as the model id.`);
    }
    return make('needsInferenceProfile', false, `${model} can't be called on demand${where}: Bedrock needs an inference profile for it. Use \`${profileIdFor(baseOf(model), geography)}\` as the model id, or set bedrockLlama.inferenceProfile to auto.`);
  }
  if (LOCATION.test(rawMessage)) return modelAccessError(d);
  if (GUARDRAIL.test(rawMessage)) return guardrailUnknown(d);
  if (SERVICE_TIER.test(rawMessage)) {
    return make('serviceTierUnsupported', false, `${model} does not offer the service tier set in bedrockLlama.serviceTier${where}. Set it to default.`);
  }
  if (STREAMING.test(rawMessage)) {
    return make('streamingUnsupported', false, `${model} does not stream its answers; it is asked through InvokeModel instead.`);
  }
  if (NOT_OFFERED.test(rawMessage)) return modelNotFoundError(d);
  const said = rawMessage ? ` Bedrock said: ${truncate(redact(rawMessage))}` : '';
  return make('validation', false, `Bedrock rejected the request for ${model}.${said} Check the model id and the generation settings.`);
}

/** The base model id inside a foundation-model ARN; other ids unchanged. */
function baseOf(model: string): string {
  return model.startsWith('arn:') ? model.slice(model.lastIndexOf('/') + 1) : model;
}

function guardrailUnknown({ make, where }: Described): BedrockLlamaError {
  return make('guardrailInvalid', false, `Bedrock does not know the guardrail set in bedrockLlama.guardrailId and bedrockLlama.guardrailVersion${where}. Check both settings against the guardrail's id and a published version (or DRAFT), or clear bedrockLlama.guardrailId.`);
}
