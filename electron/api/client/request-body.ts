import type { AttemptTarget, ChatRequest } from './types.ts';

/**
 * The wire body of DESIGN §7. A model without native structured output gets the schema in the
 * prompt instead (the answer is then repaired and validated); OpenRouter-only fields go only to
 * OpenRouter endpoints, where `require_parameters` keeps a routed provider from silently
 * ignoring the schema.
 */
export function buildRequestBody(target: AttemptTarget, request: ChatRequest, stream: boolean): Record<string, unknown> {
  const useNativeSchema = request.schema !== undefined && target.structuredOutput;
  let system = request.system;
  if (request.schema && !useNativeSchema) {
    system +=
      '\n\nAnswer with one JSON object only, no prose and no code fences, that validates against this JSON Schema:\n' +
      JSON.stringify(request.schema.schema);
  }
  const body: Record<string, unknown> = {
    model: target.slug,
    messages: [
      { role: 'system', content: system },
      { role: 'user', content: request.parts },
    ],
  };
  if (request.maxTokens !== undefined) body.max_tokens = request.maxTokens;
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (useNativeSchema && request.schema) {
    body.response_format = {
      type: 'json_schema',
      json_schema: { name: request.schema.name, strict: true, schema: request.schema.schema },
    };
  }
  if (stream) {
    body.stream = true;
    body.stream_options = { include_usage: true };
  }
  if (target.dialect === 'openrouter') {
    const provider: Record<string, unknown> = {};
    if (target.dataCollection) provider.data_collection = target.dataCollection;
    if (useNativeSchema) provider.require_parameters = true;
    if (Object.keys(provider).length > 0) body.provider = provider;
    // Report usage including cost in the response itself (OpenRouter's usage accounting).
    body.usage = { include: true };
  }
  return body;
}
