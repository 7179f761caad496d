import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createIntakeHandlers, type IntakeHandlers } from '../../../electron/intake/handlers.ts';
import type { EventName, EventPayload, HandlerInput } from '../../../shared/ipc/contract.ts';
import { UPLOAD_CHUNK_BYTES, type StagedItem } from '../../../shared/ipc/intake.ts';
import { intakeEvents, intakeRoutes } from '../../../shared/ipc/intake.ts';

export const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'intake');

export interface Intake extends IntakeHandlers {
  dir: string;
  events: Array<{ event: EventName; payload: unknown }>;
  /** Every request through its schema, as the router would (input and output). */
  call<K extends keyof typeof intakeRoutes>(route: K, input: HandlerInput<K>): Promise<Awaited<ReturnType<IntakeHandlers['handlers'][K]>>>;
  dispose(): Promise<void>;
}

/** The intake handlers on a fresh data folder, with every event recorded and checked against its schema. */
export function startIntake(options: { maxFileBytes?: number; dir?: string } = {}): Intake {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'gd-intake-'));
  const events: Intake['events'] = [];
  const intake = createIntakeHandlers({
    dbPath: join(dir, 'gradedesk.db'),
    emit: <E extends EventName>(event: E, payload: EventPayload<E>) => {
      if (event in intakeEvents) intakeEvents[event as keyof typeof intakeEvents].parse(payload);
      events.push({ event, payload });
    },
    ...(options.maxFileBytes !== undefined ? { maxFileBytes: options.maxFileBytes } : {}),
  });
  const call: Intake['call'] = async (route, input) => {
    const parsed = intakeRoutes[route].input.parse(input) as never;
    const handler = intake.handlers[route] as (input: never) => unknown;
    const output = await handler(parsed);
    return intakeRoutes[route].output.parse(output) as never;
  };
  return {
    ...intake,
    dir,
    events,
    call,
    async dispose() {
      await intake.close();
      if (!options.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Uploads `bytes` as `file` in chunks, in order, the way the renderer does; the item as finished. */
export async function upload(intake: Intake, file: string, bytes: Uint8Array, chunk = UPLOAD_CHUNK_BYTES): Promise<StagedItem> {
  const { uploadId } = await intake.call('beginUpload', { file, sizeBytes: bytes.length });
  if (uploadId === null) throw new Error(`${file} was skipped`);
  for (let offset = 0; offset < bytes.length; offset += chunk) {
    const data = Buffer.from(bytes.subarray(offset, offset + chunk)).toString('base64');
    await intake.call('uploadChunk', { uploadId, offset, data });
  }
  return intake.call('finishUpload', { uploadId });
}

/** The list once nothing is being read any more (bounded: 60 s). */
export async function settled(intake: Intake): Promise<StagedItem[]> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const items = await intake.call('listStaged', {});
    if (items.every((item) => item.status !== 'reading')) return items;
    if (Date.now() > deadline) throw new Error(`still reading: ${items.filter((i) => i.status === 'reading').map((i) => i.file).join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The rejection of a call, for `expect(...).toMatchObject({ code })`. */
export async function refusal(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { code: string; message: string };
  }
  throw new Error('expected a refusal');
}

export const byFile = (items: StagedItem[], file: string): StagedItem => {
  const item = items.find((i) => i.file === file);
  if (!item) throw new Error(`no item ${file} in ${items.map((i) => i.file).join(', ')}`);
  return item;
};
