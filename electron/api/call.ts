/** What a caller hands the call manager with a request, and what it gets back. */
import type { AppErrorData } from '../../shared/errors.ts';
import type { CallPurpose } from './ports.ts';
import type { Priority, Strategy } from './routing/strategies.ts';

export interface CallOptions {
  purpose: CallPurpose;
  signal?: AbortSignal;
  strategy?: Strategy;
  priority?: Priority;
  /** Limit the models this call may use (the CLI's --model). */
  pool?: readonly string[];
  task?: string;
  stream?: boolean;
  deadlineMs?: number;
  maxAttempts?: number;
  batchId?: string | null;
  jobId?: number | null;
  requestId?: string;
  onDelta?: (text: string) => void;
}

export interface CallSuccess {
  ok: true;
  requestId: string;
  modelId: string;
  content: string;
  /** The validated structured answer, when the request had a schema. */
  value: unknown;
  attempts: number;
  /** Sum over every attempt, failed ones included; null if any attempt's cost is unknown. */
  costUsd: number | null;
  costUnpriced: boolean;
  latencyMs: number;
  ttftMs: number | null;
}

export interface CallFailure {
  ok: false;
  requestId: string;
  error: AppErrorData;
  attempts: number;
  costUsd: number | null;
  costUnpriced: boolean;
}

export type CallOutcome = CallSuccess | CallFailure;
