import { classifyThrown } from '../retry/classify.ts';
import type { ErrorClass } from '../retry/error-classes.ts';
import type { AttemptFailure, AttemptSuccess, RateLimitHint, Timeouts, Usage } from './types.ts';

/** How long a stream's body may stay open after its [DONE] before the connection is dropped. */
const DONE_GRACE_MS = 250;

type Phase = 'before_first_byte' | 'mid_body';

/**
 * One HTTP attempt in progress: its timers, and what it has seen so far (status, ids, usage,
 * first content), so that however it ends, the result carries what was learned, the usage and
 * generation id that price a broken answer included.
 */
export class AttemptProgress {
  readonly started: number;
  /** Our own timers abort this; `signal` joins it to the caller's. */
  private readonly own = new AbortController();
  readonly signal: AbortSignal;
  private timedOut: 'total' | 'first_content' | 'idle' | null = null;
  private readonly totalTimer: NodeJS.Timeout;
  private readonly firstContentTimer: NodeJS.Timeout | undefined;
  // Between chunks once a stream's content began (before it, the first-content timer rules):
  // started at the first content and pushed back by every chunk after it.
  private idleTimer: NodeJS.Timeout | undefined;
  private afterDone: NodeJS.Timeout | undefined;

  httpStatus: number | null = null;
  generationId: string | null = null;
  answeredBy: string | null = null;
  usage: Usage | null = null;
  ttftMs: number | null = null;
  contentStarted = false;
  rateLimit: RateLimitHint | null = null;
  finishReason: string | null = null;
  /** A stream's text so far, kept so that a broken answer can still be priced by what it said. */
  receivedContent = '';

  constructor(
    private readonly apiKey: string | null,
    private readonly timeouts: Timeouts,
    stream: boolean,
    private readonly callerSignal: AbortSignal | undefined,
    private readonly now: () => number,
  ) {
    this.started = now();
    // This runs on every call, so it allocates little: one controller, the total timer, and a
    // first-content timer only for a stream. A JSON answer's first byte is its headers, which
    // undici's headersTimeout already bounds; AbortSignal.any only with a caller signal.
    this.totalTimer = setTimeout(() => {
      this.timedOut ??= 'total';
      this.own.abort();
    }, timeouts.totalMs);
    this.firstContentTimer = stream
      ? setTimeout(() => {
          this.timedOut ??= 'first_content';
          this.own.abort();
        }, timeouts.firstByteMs)
      : undefined;
    this.signal = callerSignal ? AbortSignal.any([this.own.signal, callerSignal]) : this.own.signal;
  }

  get cancelledByCaller(): boolean {
    return this.callerSignal?.aborted ?? false;
  }

  fail(errorClass: ErrorClass, detail: string, retryAfter: number | null = null): AttemptFailure {
    return {
      ok: false,
      errorClass,
      httpStatus: this.httpStatus,
      generationId: this.generationId,
      answeredBy: this.answeredBy,
      usage: this.usage,
      ttftMs: this.ttftMs,
      latencyMs: this.now() - this.started,
      rateLimit: this.rateLimit,
      retryAfterMs: retryAfter,
      contentStarted: this.contentStarted,
      receivedContent: this.receivedContent,
      detail: withoutSecrets(detail, this.apiKey).slice(0, 500),
    };
  }

  /** What undici (or our own timers) threw before a complete answer arrived, classified. */
  failThrown(error: unknown, phase: Phase): AttemptFailure {
    // The caller's cancel may come with any reason (a TimeoutError from AbortSignal.timeout):
    // undici throws that reason, which must not read as a network failure.
    const cls = this.cancelledByCaller ? 'aborted' : classifyThrown(error, phase);
    return this.fail(cls === 'aborted' ? this.abortClass(phase) : cls, String((error as Error)?.message ?? error));
  }

  /** Our own timers abort too; tell them apart from the caller cancelling. */
  abortClass(phase: Phase): ErrorClass {
    if (this.callerSignal?.aborted) return 'aborted';
    if (this.timedOut === 'first_content') return 'stall_first_byte';
    if (this.timedOut === 'idle') return 'stall_mid_stream';
    return phase === 'before_first_byte' ? 'stall_first_byte' : 'stall_mid_stream';
  }

  succeed(content: string): AttemptSuccess {
    return {
      ok: true,
      content,
      finishReason: this.finishReason,
      httpStatus: this.httpStatus,
      generationId: this.generationId,
      answeredBy: this.answeredBy,
      usage: this.usage,
      ttftMs: this.ttftMs,
      latencyMs: this.now() - this.started,
      rateLimit: this.rateLimit,
    };
  }

  /** Headers are the first byte of a JSON answer; a stream's first byte is its first content. */
  firstByte(): void {
    clearTimeout(this.firstContentTimer);
  }

  /** A JSON answer's whole body is in: its content arrived all at once. */
  bodyRead(): void {
    this.ttftMs = this.now() - this.started;
  }

  /** A stream's first content: from now on, silence is measured between chunks. */
  contentBegan(): void {
    this.contentStarted = true;
    this.ttftMs = this.now() - this.started;
    clearTimeout(this.firstContentTimer);
    this.idleTimer = setTimeout(() => {
      this.timedOut ??= 'idle';
      this.own.abort();
    }, this.timeouts.idleMs);
  }

  chunkArrived(): void {
    this.idleTimer?.refresh();
  }

  /**
   * The answer is complete. The end of the body normally follows at once (and keeps the
   * connection reusable); a server that holds it open is not waited for.
   */
  closeSoon(): void {
    if (this.afterDone === undefined) this.afterDone = setTimeout(() => this.own.abort(), DONE_GRACE_MS);
  }

  end(): void {
    clearTimeout(this.afterDone);
    clearTimeout(this.firstContentTimer);
    clearTimeout(this.idleTimer);
    clearTimeout(this.totalTimer);
  }
}

/**
 * A provider's error text as it may be kept (the audit trail, the attempts log): some gateways
 * echo the credential they refused, so the key, and anything that looks like one, is masked.
 */
function withoutSecrets(text: string, apiKey: string | null): string {
  let out = apiKey && apiKey.length >= 8 ? text.split(apiKey).join('[key]') : text;
  out = out.replace(/\b(Bearer)\s+[A-Za-z0-9._~+/=-]{8,}/gi, '$1 [key]');
  return out.replace(/\b(sk|pk|rk)-[A-Za-z0-9_-]{12,}/g, '[key]');
}
