import type { Config } from '../../shared/config.ts';
import { createMemorySecretStore, type SecretStore } from '../secrets/secret-store.ts';
import { DEFAULT_MODELS, startSimulator } from '../simulator/index.ts';

export interface DemoProvider {
  config: Config;
  secrets: SecretStore;
  close(): Promise<void>;
}

const DEMO_KEY = 'sk-demo-simulated';
const DEMO_KEY_ENV = 'GRADEDESK_DEMO_KEY';

const DEMO_MODELS: ReadonlyArray<{ id: string; slug: string; name: string; latency: number }> = [
  { id: 'demo-fast', slug: 'sim/fast', name: 'Simulated fast model', latency: 300 },
  { id: 'demo-smart', slug: 'sim/smart', name: 'Simulated capable model', latency: 900 },
  { id: 'demo-vision', slug: 'sim/vision', name: 'Simulated vision model', latency: 600 },
];

/**
 * The demo provider: the provider simulator on loopback with a config that points at it, so a
 * new teacher sees the whole flow without a key. Everything it answers is labelled simulated.
 */
export async function startDemoProvider(): Promise<DemoProvider> {
  const sim = await startSimulator({
    keys: { [DEMO_KEY]: {} },
    profile: {
      latencyMs: { mean: 700, sd: 200 },
      ttftMs: { mean: 200, sd: 50 },
      models: Object.fromEntries(DEMO_MODELS.map((m) => [m.slug, { latencyMs: { mean: m.latency, sd: m.latency / 4 } }])),
    },
  });
  const endpoint = `${sim.baseUrl}/chat/completions`;
  const models: Config['models'] = {};
  for (const m of DEMO_MODELS) {
    const sm = DEFAULT_MODELS[m.slug];
    if (!sm) continue;
    models[m.id] = {
      name: m.name,
      provider: 'simulated',
      endpoint,
      model: m.slug,
      api: 'openrouter',
      api_key_env: DEMO_KEY_ENV,
      supported_tasks: ['grading'],
      input_cost_per_token: sm.input_cost_per_token,
      output_cost_per_token: sm.output_cost_per_token,
      context_window: sm.context_window,
      vision: sm.vision,
      structured_output: sm.structured_output,
      max_tokens: 4096,
      simulated: true,
    };
  }
  return {
    config: { models, routing: { strategy: 'performance' } },
    secrets: createMemorySecretStore({ [DEMO_KEY_ENV]: DEMO_KEY }),
    close: () => sim.close(),
  };
}
