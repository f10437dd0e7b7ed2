import { TetraError, asTetraError } from '../errors/index.ts';
import { DEFAULT_BATCHER_OPTIONS, type BatchEvent, type BatchWork, type BatcherOptions, type SubmitOptions } from './batch-work.ts';

interface Pending<P, R> {
  readonly payload: P;
  readonly rows: number;
  readonly key: string;
  readonly enqueuedAt: number;
  readonly deadline: number | undefined;
  readonly signal: AbortSignal | undefined;
  timer: NodeJS.Timeout | undefined;
  onAbort: (() => void) | undefined;
  settled: boolean;
  resolve(value: R): void;
  reject(error: unknown): void;
}

/**
 * Coalesces concurrent calls into one model call. No idle delay: when the
 * model is free a call is dispatched on the next turn of the event loop
 * (so calls that arrived in the same turn share it); calls that arrive while
 * a batch runs form the next batch. The queue is bounded, calls may carry a
 * deadline, and one bad call does not fail its batch-mates.
 */
export class Batcher<P, R> {
  private readonly queue: Pending<P, R>[] = [];
  private queuedRows = 0;
  private inFlight = 0;
  private scheduled = false;
  private waitTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private idleWaiters: (() => void)[] = [];
  readonly options: BatcherOptions;

  constructor(
    private readonly work: BatchWork<P, R>,
    options: Partial<BatcherOptions> = {},
    private readonly onBatch?: (event: BatchEvent) => void,
  ) {
    this.options = { ...DEFAULT_BATCHER_OPTIONS, ...options };
  }

  /** Rows waiting to run. */
  get pendingRows(): number {
    return this.queuedRows;
  }

  /** True once close() was called: the batcher takes no new calls. */
  get closing(): boolean {
    return this.closed;
  }

  /** Calls waiting plus batches running. */
  get busy(): boolean {
    return this.queue.length > 0 || this.inFlight > 0;
  }

  submit(payload: P, options: SubmitOptions = {}): Promise<R> {
    if (this.closed) return Promise.reject(new TetraError('SHUTTING_DOWN', 'the model is being unloaded and takes no new requests'));
    const rows = this.work.size(payload);
    if (this.queue.length > 0 && this.queuedRows + rows > this.options.maxQueueRows) {
      return Promise.reject(new TetraError('OVERLOADED', `the queue holds ${this.queuedRows} rows (limit ${this.options.maxQueueRows}); try again later`));
    }
    if (options.signal?.aborted) return Promise.reject(cancelled());
    if (options.deadline !== undefined && Date.now() >= options.deadline) return Promise.reject(expired());
    return new Promise<R>((resolve, reject) => {
      const pending = this.makePending(payload, rows, options, resolve, reject);
      this.queue.push(pending);
      this.queuedRows += rows;
      this.schedule();
    });
  }

  /** Resolves once nothing is queued or running. */
  whenIdle(): Promise<void> {
    if (!this.busy) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Refuses new calls, lets queued and running ones finish. */
  async close(): Promise<void> {
    this.closed = true;
    await this.whenIdle();
  }

  private makePending(payload: P, rows: number, options: SubmitOptions, resolve: (v: R) => void, reject: (e: unknown) => void): Pending<P, R> {
    const pending: Pending<P, R> = {
      payload, rows, key: this.work.key(payload), enqueuedAt: Date.now(), deadline: options.deadline, signal: options.signal,
      timer: undefined, onAbort: undefined, settled: false, resolve, reject,
    };
    // Timers and listeners only for calls that asked for them: the common call pays nothing.
    // Node fires longer timers at once (after a warning): such a deadline is checked when the answer comes.
    if (options.deadline !== undefined && options.deadline - Date.now() <= MAX_TIMER_MS) {
      pending.timer = setTimeout(() => this.fail(pending, expired()), Math.max(0, options.deadline - Date.now()));
      pending.timer.unref();
    }
    if (options.signal) {
      pending.onAbort = () => this.fail(pending, cancelled());
      options.signal.addEventListener('abort', pending.onAbort, { once: true });
    }
    return pending;
  }

  /** Settles a call with an error; a queued call also leaves the queue. */
  private fail(pending: Pending<P, R>, error: TetraError): void {
    if (pending.settled) return;
    const index = this.queue.indexOf(pending);
    if (index >= 0) {
      this.queue.splice(index, 1);
      this.queuedRows -= pending.rows;
    }
    this.settle(pending, undefined, error);
    this.notifyIdle();
  }

  private settle(pending: Pending<P, R>, value: R | undefined, error?: unknown): void {
    if (pending.settled) return;
    pending.settled = true;
    if (pending.timer) clearTimeout(pending.timer);
    if (pending.onAbort) pending.signal?.removeEventListener('abort', pending.onAbort);
    if (error !== undefined) pending.reject(error);
    else if (pending.deadline !== undefined && Date.now() > pending.deadline) pending.reject(expired());
    else pending.resolve(value as R);
  }

  /**
   * Arranges the next dispatch. From idle it waits for the next turn of the
   * event loop, so calls that arrive together (one poll of the sockets)
   * share a batch. Right after a batch, calls already queued go at once:
   * making them wait a loop turn each would cap throughput at one batch per
   * turn.
   */
  private schedule(afterBatch = false): void {
    if (this.scheduled || this.inFlight >= this.options.concurrency || this.queue.length === 0) return;
    const oldest = this.queue[0] as Pending<P, R>;
    const waitLeft = Math.min(this.options.maxWaitMs - (Date.now() - oldest.enqueuedAt), this.untilEarliestDeadline());
    if (waitLeft > 0 && this.queuedRows < this.options.maxBatchSize) {
      // Reset on every arrival: a newcomer with a tight deadline may shorten the wait.
      if (this.waitTimer) clearTimeout(this.waitTimer);
      this.waitTimer = setTimeout(() => {
        this.waitTimer = undefined;
        this.schedule();
      }, waitLeft);
      return;
    }
    this.scheduled = true;
    if (afterBatch) queueMicrotask(this.go);
    else setImmediate(this.go);
  }

  /** Made once: `scheduled` allows one pending dispatch at a time. */
  private readonly go = (): void => {
    this.scheduled = false;
    this.dispatch();
  };

  /**
   * Waiting for a fuller batch must not eat a queued call's deadline: a
   * call waits at most half the time it had when it arrived; the rest is
   * for the model.
   */
  private untilEarliestDeadline(): number {
    let earliest = Infinity;
    for (const p of this.queue) {
      if (p.deadline === undefined) continue;
      const latestStart = p.enqueuedAt + (p.deadline - p.enqueuedAt) / 2;
      if (latestStart < earliest) earliest = latestStart;
    }
    return earliest - Date.now();
  }

  private dispatch(): void {
    if (this.waitTimer) {
      clearTimeout(this.waitTimer);
      this.waitTimer = undefined;
    }
    const batch = this.takeBatch();
    if (batch.length === 0) return this.notifyIdle();
    this.inFlight++;
    void this.runThenContinue(batch);
    this.schedule();
  }

  private async runThenContinue(batch: Pending<P, R>[]): Promise<void> {
    try {
      await this.runBatch(batch);
    } catch (error) {
      // Nothing in runBatch should throw; if it does, no caller may be left waiting.
      for (const p of batch) this.settle(p, undefined, asTetraError(error));
    } finally {
      this.inFlight--;
      this.schedule(true);
      this.notifyIdle();
    }
  }

  /**
   * Takes calls from the head that share the head's key, up to maxBatchSize
   * rows; a call of another key that would not fit ends the search too.
   * The usual batch is a run of like calls from the head: it leaves the
   * queue in one splice, not one per call.
   */
  private takeBatch(): Pending<P, R>[] {
    const head = this.queue[0];
    if (!head) return [];
    const max = this.options.maxBatchSize;
    let rows = 0;
    let run = 0;
    for (; run < this.queue.length; run++) {
      const p = this.queue[run] as Pending<P, R>;
      if (p.key !== head.key || (run > 0 && rows + p.rows > max)) break;
      rows += p.rows;
    }
    const batch = this.queue.splice(0, run);
    this.queuedRows -= rows;
    for (let i = 0; i < this.queue.length; ) {
      const p = this.queue[i] as Pending<P, R>;
      if (rows + p.rows > max) break;
      if (p.key !== head.key) {
        i++;
        continue;
      }
      this.queue.splice(i, 1);
      this.queuedRows -= p.rows;
      batch.push(p);
      rows += p.rows;
    }
    return batch;
  }

  private async runBatch(batch: Pending<P, R>[]): Promise<void> {
    const live: Pending<P, R>[] = [];
    let oldest = Date.now();
    for (const p of batch) {
      if (p.enqueuedAt < oldest) oldest = p.enqueuedAt;
      if (!p.settled) live.push(p);
    }
    if (live.length === 0) return;
    const failure = await this.runCalls(live, oldest);
    if (failure !== undefined) await this.isolate(live, failure);
  }

  /** One model call for `calls`; settles them on success, returns the error on failure. */
  private async runCalls(calls: Pending<P, R>[], oldest: number): Promise<unknown> {
    const started = Date.now();
    let rows = 0;
    for (const p of calls) rows += p.rows;
    let failure: unknown;
    try {
      const merged = calls.length === 1 ? (calls[0] as Pending<P, R>).payload : this.work.merge(calls.map((p) => p.payload));
      const result = await this.work.run(merged);
      if (calls.length === 1) this.settle(calls[0] as Pending<P, R>, result);
      else this.work.split(result, calls.map((p) => p.rows)).forEach((part, i) => this.settle(calls[i] as Pending<P, R>, part));
    } catch (error) {
      failure = error ?? new Error('the model call failed');
    }
    this.report({ rows, calls: calls.length, queueMs: started - oldest, computeMs: Date.now() - started, failed: failure !== undefined });
    return failure;
  }

  /**
   * After a failed batch, runs each call alone so only the bad ones fail.
   * Two calls failing alone in a row mean the model itself is failing: the
   * rest get the batch's error instead of a run each.
   */
  private async isolate(live: Pending<P, R>[], error: unknown): Promise<void> {
    const batchError = asTetraError(error, 'MODEL_RUN_FAILED');
    if (live.length === 1) return this.settle(live[0] as Pending<P, R>, undefined, batchError);
    let failedInARow = 0;
    for (const p of live) {
      if (p.settled) continue;
      if (failedInARow >= 2) {
        this.settle(p, undefined, batchError);
        continue;
      }
      const own = await this.runCalls([p], p.enqueuedAt);
      if (own === undefined) failedInARow = 0;
      else {
        failedInARow++;
        this.settle(p, undefined, asTetraError(own, 'MODEL_RUN_FAILED'));
      }
    }
  }

  /** Metrics must never break serving: a throwing listener is ignored. */
  private report(event: BatchEvent): void {
    try {
      this.onBatch?.(event);
    } catch {
      // The caller's answer matters more than its metrics.
    }
  }

  private notifyIdle(): void {
    if (this.busy) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}

const MAX_TIMER_MS = 2 ** 31 - 1;

function expired(): TetraError {
  return new TetraError('DEADLINE_EXCEEDED', 'the request deadline passed before the model answered');
}

function cancelled(): TetraError {
  return new TetraError('CANCELLED', 'the request was cancelled by the caller');
}
