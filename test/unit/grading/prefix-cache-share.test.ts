/**
 * End to end through real HTTP: 30 grading requests for 30 different submissions, built by
 * buildGradingRequest and serialized by the real client's body builder, sent to the
 * simulator. Because the system message (rules, settings, rubric) and the user preface are
 * identical across the batch and the submission comes last, most prompt tokens should be
 * billed at the cached rate.
 */
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRequestBody } from '../../../electron/api/client/request-body.ts';
import type { AttemptTarget } from '../../../electron/api/client/types.ts';
import { buildGradingRequest } from '../../../electron/grading/prompt/index.ts';
import { scoreAnswer } from '../../../electron/grading/scoring/index.ts';
import { startSimulator, type SimulatorHandle } from '../../../electron/simulator/index.ts';
import { essayRubric, loadCorpus } from './fixtures.ts';

const rubric = essayRubric();
const submissions = loadCorpus('clean').slice(0, 30);
const CONCURRENCY = 4;

describe('prefix caching of a grading batch', () => {
  let sim: SimulatorHandle;
  const agent = new Agent({ connections: CONCURRENCY });
  beforeAll(async () => {
    sim = await startSimulator({ seed: 7 });
  });
  afterAll(async () => {
    await sim.close();
    await agent.close();
  });

  it('bills more than half of the prompt tokens at the cached rate', async () => {
    expect(submissions).toHaveLength(30);
    const target: AttemptTarget = {
      modelId: 'smart',
      endpoint: `${sim.baseUrl}/chat/completions`,
      slug: 'sim/smart',
      dialect: 'openrouter',
      apiKey: 'sk-batch',
      prices: { input: 3e-6, output: 1.5e-5 },
      structuredOutput: true,
      dataCollection: 'deny',
    };
    const send = async (text: string) => {
      const { request: chat } = buildGradingRequest({ rubric, submissionText: text, settings: { gradeLevel: 'Grade 10', tone: 'encouraging' } });
      const response = await request(target.endpoint, {
        method: 'POST',
        headers: { authorization: `Bearer ${target.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(buildRequestBody(target, chat, false)),
        dispatcher: agent,
      });
      expect(response.statusCode).toBe(200);
      const body = (await response.body.json()) as { choices: { message: { content: string } }[] };
      // The simulator fills our schema; the answer must pass our own validation and scoring.
      const valid = chat.schema!.validate(JSON.parse(body.choices[0]!.message.content));
      expect(valid.ok).toBe(true);
      if (valid.ok) expect(scoreAnswer(rubric, valid.value as never, text).ok).toBe(true);
    };
    // The first request warms the cache, then the batch runs a few at a time, like the app.
    await send(submissions[0]!.text);
    const queue = submissions.slice(1).map((s) => s.text);
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let text = queue.shift(); text !== undefined; text = queue.shift()) await send(text);
      }),
    );

    const entries = sim.ledger().entries;
    expect(entries).toHaveLength(30);
    const prompt = entries.reduce((sum, e) => sum + e.promptTokens, 0);
    const cached = entries.reduce((sum, e) => sum + e.cachedTokens, 0);
    const share = cached / prompt;
    const uncachedCost = entries.reduce((sum, e) => sum + e.promptTokens * 3e-6 + e.completionTokens * 1.5e-5, 0);
    const cost = entries.reduce((sum, e) => sum + e.costUsd, 0);
    console.log(
      `prefix caching: ${cached} of ${prompt} prompt tokens cached (${(share * 100).toFixed(1)}%) over ${entries.length} requests; ` +
        `${entries.filter((e) => e.cachedTokens > 0).length} requests hit; cost $${cost.toFixed(4)} vs $${uncachedCost.toFixed(4)} uncached`,
    );
    expect(share).toBeGreaterThan(0.5);
  });
});
