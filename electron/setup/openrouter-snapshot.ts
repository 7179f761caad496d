/**
 * OpenRouter's model list, cut to the models teachers grade with, for the model picker when
 * OpenRouter cannot be reached (electron/setup/catalog-source.ts). Prices are USD per token, as
 * OpenRouter writes them. Written by scripts/refresh-catalog.mjs: refresh it there, not by hand.
 */
export interface OpenRouterSnapshot {
  /** When the facts were gathered (YYYY-MM-DD). */
  date: string;
  /** Where they come from. */
  source: string;
  /** The entries, in the shape of OpenRouter's `/models` `data` (only the fields the picker reads). */
  data: unknown[];
}

export const OPENROUTER_SNAPSHOT: OpenRouterSnapshot = /* DATA */{
  "date": "2026-12-06",
  "source": "OpenRouter's public model pages (https://openrouter.ai/<vendor>/<model>: context window, price per million tokens, image input), as captured between 2025 and 2026; where no OpenRouter page was found, the maker's published list price (OpenAI for GPT-4.1, Anthropic for Claude Haiku 4.5, Google for Gemini 2.5 Pro). Structured output is marked only for the OpenAI and Gemini families, which OpenRouter lists with it; the live list says more. Run scripts/refresh-catalog.mjs on a machine with network to replace this with https://openrouter.ai/api/v1/models.",
  "data": [
    {"id":"openai/gpt-5-mini","name":"OpenAI: GPT-5 Mini","context_length":400000,"architecture":{"input_modalities":["text","image"]},"pricing":{"prompt":"0.00000025","completion":"0.000002"},"supported_parameters":["response_format","structured_outputs"]},
    {"id":"openai/gpt-5","name":"OpenAI: GPT-5","context_length":400000,"architecture":{"input_modalities":["text","image"]},"pricing":{"prompt":"0.00000125","completion":"0.00001"},"supported_parameters":["response_format","structured_outputs"]},
    {"id":"openai/gpt-5-nano","name":"OpenAI: GPT-5 Nano","context_length":400000,"architecture":{"input_modalities":["text","image"]},"pricing":{"prompt":"0.00000005","completion":"0.0000004"},"supported_parameters":["response_format","structured_outputs"]},
    {"id":"openai/gpt-4.1","name":"OpenAI: GPT-4.1","context_length":1047576,"architecture":{"input_modalities":["text","image"]},"pricing":{"prompt":"0.000002","completion":"0.000008"},"supported_parameters":["response_format","structured_outputs"]},
    {"id":"openai/gpt-4.1-mini","name":"OpenAI: GPT-4.1 Mini","context_length":1047576,"architecture":{"input_modalities":["text","image"]},"pricing":{"prompt":"0.0000004","completion":"0.0000016"},"supported_parameters":["response_format","structured_outputs"]},
    {"id":"openai/gpt-4.1-nano","name":"OpenAI: GPT-4.1 Nano","context_length":1047576,"architecture":{"input_modalities":["text","image"]},"pricing":{"prompt":"0.0000001","completion":"0.0000004"},"supported_parameters":["response_format","structured_outputs"]},
    {"id":"openai/gpt-4o","name":"OpenAI: GPT-4o","context_length":128000,"architecture":{"input_modalities":["text","image"]},"pricing":{"prompt":"0.0000025","completion":"0.00001"},"supported_parameters":["response_format","structured_outputs"]},
    {"id":"openai/gpt-4o-mini","name":"OpenAI: GPT-4o-mini","context_length":128000,"architecture":{"input_modalities":["text","image"]},"pricing":{"prompt":"0.00000015","completion":"0.0000006"},"supported_parameters":["response_format","structured_outputs"]},
    {"id":"google/gemini-2.5-flash","name":"Google: Gemini 2.5 Flash","context_length":1048576,"architecture":{"input_modalities":["text","image"]},"pricing":{"prompt":"0.0000003","completion":"0.0000025"},"supported_parameters":["response_format","structured_outputs"]},
    {"id":"google/gemini-2.5-pro","name":"Google: Gemini 2.5 Pro","context_length":1048576,"architecture":{"input_modalities":["text","image"]},"pricing":{"prompt":"0.00000125","completion":"0.00001"},"supported_parameters":["response_format","structured_outputs"]},
    {"id":"google/gemini-2.5-flash-lite","name":"Google: Gemini 2.5 Flash Lite","context_length":1048576,"architecture":{"input_modalities":["text","image"]},"pricing":{"prompt":"0.0000001","completion":"0.0000004"},"supported_parameters":["response_format","structured_outputs"]},
    {"id":"google/gemini-2.0-flash-001","name":"Google: Gemini 2.0 Flash","context_length":1048576,"architecture":{"input_modalities":["text","image"]},"pricing":{"prompt":"0.0000001","completion":"0.0000004"},"supported_parameters":["response_format","structured_outputs"]},
    {"id":"anthropic/claude-sonnet-4.5","name":"Anthropic: Claude Sonnet 4.5","context_length":1000000,"architecture":{"input_modalities":["text","image"]},"pricing":{"prompt":"0.000003","completion":"0.000015"}},
    {"id":"anthropic/claude-haiku-4.5","name":"Anthropic: Claude Haiku 4.5","context_length":200000,"architecture":{"input_modalities":["text","image"]},"pricing":{"prompt":"0.000001","completion":"0.000005"}},
    {"id":"anthropic/claude-opus-4.5","name":"Anthropic: Claude Opus 4.5","context_length":200000,"architecture":{"input_modalities":["text","image"]},"pricing":{"prompt":"0.000005","completion":"0.000025"}},
    {"id":"anthropic/claude-3.5-sonnet","name":"Anthropic: Claude 3.5 Sonnet","context_length":200000,"architecture":{"input_modalities":["text","image"]},"pricing":{"prompt":"0.000003","completion":"0.000015"}},
    {"id":"anthropic/claude-3.5-haiku","name":"Anthropic: Claude 3.5 Haiku","context_length":200000,"architecture":{"input_modalities":["text"]},"pricing":{"prompt":"0.0000008","completion":"0.000004"}},
    {"id":"anthropic/claude-3-haiku","name":"Anthropic: Claude 3 Haiku","context_length":200000,"architecture":{"input_modalities":["text","image"]},"pricing":{"prompt":"0.00000025","completion":"0.00000125"}},
    {"id":"meta-llama/llama-3.3-70b-instruct","name":"Meta: Llama 3.3 70B Instruct","context_length":131072,"architecture":{"input_modalities":["text"]},"pricing":{"prompt":"0.000000038","completion":"0.00000012"}},
    {"id":"meta-llama/llama-3.1-405b-instruct","name":"Meta: Llama 3.1 405B Instruct","context_length":32768,"architecture":{"input_modalities":["text"]},"pricing":{"prompt":"0.0000008","completion":"0.0000008"}},
    {"id":"meta-llama/llama-3-8b-instruct","name":"Meta: Llama 3 8B Instruct","context_length":8192,"architecture":{"input_modalities":["text"]},"pricing":{"prompt":"0.00000003","completion":"0.00000006"}},
    {"id":"deepseek/deepseek-chat-v3-0324","name":"DeepSeek: DeepSeek V3 0324","context_length":64000,"architecture":{"input_modalities":["text"]},"pricing":{"prompt":"0.00000027","completion":"0.0000011"}},
    {"id":"qwen/qwen-plus","name":"Qwen: Qwen-Plus","context_length":1000000,"architecture":{"input_modalities":["text"]},"pricing":{"prompt":"0.0000004","completion":"0.0000012"}},
    {"id":"qwen/qwen2.5-vl-72b-instruct","name":"Qwen: Qwen2.5 VL 72B Instruct","context_length":32768,"architecture":{"input_modalities":["text","image"]},"pricing":{"prompt":"0.0000001","completion":"0.0000004"}},
    {"id":"mistralai/mixtral-8x22b-instruct","name":"Mistral: Mixtral 8x22B Instruct","context_length":65536,"architecture":{"input_modalities":["text"]},"pricing":{"prompt":"0.0000009","completion":"0.0000009"}},
    {"id":"mistralai/mistral-7b-instruct","name":"Mistral: Mistral 7B Instruct","context_length":32768,"architecture":{"input_modalities":["text"]},"pricing":{"prompt":"0.0000002","completion":"0.0000002"}},
    {"id":"moonshotai/kimi-k2","name":"MoonshotAI: Kimi K2","context_length":131072,"architecture":{"input_modalities":["text"]},"pricing":{"prompt":"0.00000057","completion":"0.0000023"}},
    {"id":"z-ai/glm-4.5","name":"Z.AI: GLM 4.5","context_length":131072,"architecture":{"input_modalities":["text"]},"pricing":{"prompt":"0.00000033","completion":"0.00000132"}},
    {"id":"z-ai/glm-4.5-air","name":"Z.AI: GLM 4.5 Air","context_length":131072,"architecture":{"input_modalities":["text"]},"pricing":{"prompt":"0.00000014","completion":"0.00000086"}},
    {"id":"z-ai/glm-4.5v","name":"Z.AI: GLM 4.5V","context_length":65536,"architecture":{"input_modalities":["text","image"]},"pricing":{"prompt":"0.0000005","completion":"0.0000018"}},
    {"id":"x-ai/grok-2-1212","name":"xAI: Grok 2 1212","context_length":131072,"architecture":{"input_modalities":["text"]},"pricing":{"prompt":"0.000002","completion":"0.00001"}},
    {"id":"ai21/jamba-mini-1.7","name":"AI21: Jamba Mini 1.7","context_length":256000,"architecture":{"input_modalities":["text"]},"pricing":{"prompt":"0.0000002","completion":"0.0000004"}},
    {"id":"ai21/jamba-large-1.7","name":"AI21: Jamba Large 1.7","context_length":256000,"architecture":{"input_modalities":["text"]},"pricing":{"prompt":"0.000002","completion":"0.000008"}}
  ]
};
