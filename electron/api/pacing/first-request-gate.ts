/**
 * The first-request-per-key gate: while a key has never answered, one request goes out on it
 * and the others wait for that one (why: CallManager.sendWhenAllowed).
 */

/** The first request out on a key: it ends the others' wait. */
export interface KeyProbe {
  /** Called at a success's status line and again when the attempt ends. */
  end(): void;
  /** The attempt's HTTP status as soon as it is known. */
  onStatus(status: number): void;
}

export class FirstRequestGate {
  /** Key scopes whose provider has answered at least once (any HTTP status). */
  private readonly answeredKeys = new Set<string>();
  /** The one request in flight on a key that has not answered yet; the others wait for it. */
  private readonly probes = new Map<string, Promise<void>>();

  hasAnswered(scope: string): boolean {
    return this.answeredKeys.has(scope);
  }

  markAnswered(scope: string): void {
    this.answeredKeys.add(scope);
  }

  /** The request out alone on this key, if there is one: the caller waits for it. */
  probeOn(scope: string): Promise<void> | undefined {
    return this.probes.get(scope);
  }

  /** After waiting for `probe`: still out, so the key has not refused, and the others go. */
  waitedFor(scope: string, probe: Promise<void>): void {
    if (this.probes.get(scope) === probe) this.answeredKeys.add(scope);
  }

  /** The caller goes first on this key; the others wait until the returned probe ends. */
  open(scope: string): KeyProbe {
    let done: () => void = () => undefined;
    const mine = new Promise<void>((resolve) => (done = resolve));
    this.probes.set(scope, mine);
    const end = (): void => {
      if (this.probes.get(scope) === mine) this.probes.delete(scope);
      done();
    };
    return {
      end,
      // A refusal teaches the others what to avoid only once the call manager has handled it;
      // a success can let them go as soon as it is known.
      onStatus: (status) => {
        if (status < 200 || status >= 300) return;
        this.answeredKeys.add(scope);
        end();
      },
    };
  }
}
