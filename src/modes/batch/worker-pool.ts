import { Worker } from 'node:worker_threads';
import { TetraError } from '../../core/index.ts';

interface Pending<Res> {
  resolve(value: Res): void;
  reject(error: unknown): void;
}

/** What a worker posts back: the answer to request `id`, or the error it raised. */
export type WorkerReply<Res> = { readonly id: number; readonly result: Res } | { readonly id: number; readonly error: SerializedError };

export interface SerializedError {
  readonly code: string;
  readonly message: string;
  readonly where?: Record<string, unknown>;
}

/**
 * A fixed set of worker threads running one script. Each thread holds up to
 * `depth` requests: with more than one, the next request already waits in
 * the thread's own queue when it finishes one, so it does not idle until
 * this thread, perhaps busy, hands it another. Further requests wait for
 * the first thread with room. A worker that dies fails its requests and
 * every later one with the reason.
 */
export class WorkerPool<Req, Res> {
  private readonly workers: Worker[] = [];
  private readonly waiting: { request: Req; pending: Pending<Res> }[] = [];
  /** The requests each thread holds, by id. */
  private readonly held = new Map<Worker, Map<number, Pending<Res>>>();
  private nextId = 0;
  private broken?: unknown;

  constructor(script: URL, workerData: unknown, size: number, private readonly depth = 1) {
    try {
      for (let i = 0; i < size; i++) this.start(script, workerData);
    } catch (error) {
      // Threads already started would keep the process alive with no pool to stop them.
      for (const worker of this.workers) void worker.terminate();
      throw error;
    }
  }

  private start(script: URL, workerData: unknown): void {
    const worker = new Worker(script, { workerData });
    worker.on('message', (reply: WorkerReply<Res>) => this.settle(worker, reply));
    worker.on('error', (error) => this.fail(error));
    // Only close() may stop a worker: one that ends by itself, even with code 0, would leave its request unanswered forever.
    worker.on('exit', (code) => this.fail(new TetraError('INTERNAL', `a batch worker thread stopped (exit code ${code})`)));
    this.workers.push(worker);
    this.held.set(worker, new Map());
  }

  get size(): number {
    return this.workers.length;
  }

  /** True when every thread holds as many requests as it may: a new one would wait. */
  get full(): boolean {
    return this.waiting.length > 0 || this.roomiest() === undefined;
  }

  /**
   * Sends `request` to the thread holding the fewest. It is copied, never
   * transferred: a thread that detaches an ArrayBuffer runs its typed-array
   * code slower from then on (see PieceBuffers); large inputs go in shared
   * memory.
   */
  run(request: Req): Promise<Res> {
    if (this.broken) return Promise.reject(this.broken);
    return new Promise<Res>((resolve, reject) => {
      this.waiting.push({ request, pending: { resolve, reject } });
      this.dispatch();
    });
  }

  /** Stops the threads. Requests they hold or that wait fail: a caller waiting on one (a batcher draining) must not wait forever. */
  async close(): Promise<void> {
    if (!this.broken) this.fail(new TetraError('CANCELLED', 'the batch worker threads were stopped'));
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  /** The thread holding the fewest requests, if one has room. */
  private roomiest(): Worker | undefined {
    let best: Worker | undefined;
    let least = this.depth;
    for (const [worker, requests] of this.held) {
      if (requests.size < least) {
        best = worker;
        least = requests.size;
      }
    }
    return best;
  }

  private dispatch(): void {
    for (let worker = this.roomiest(); worker && this.waiting.length > 0; worker = this.roomiest()) {
      const { request, pending } = this.waiting.shift() as (typeof this.waiting)[number];
      const id = this.nextId++;
      this.held.get(worker)?.set(id, pending);
      worker.postMessage({ id, request });
    }
  }

  private settle(worker: Worker, reply: WorkerReply<Res>): void {
    const requests = this.held.get(worker);
    const pending = requests?.get(reply.id);
    if (!requests || !pending) return;
    requests.delete(reply.id);
    if ('error' in reply) pending.reject(reviveError(reply.error));
    else pending.resolve(reply.result);
    this.dispatch();
  }

  private fail(error: unknown): void {
    if (this.broken) return;
    this.broken = error instanceof TetraError ? error : new TetraError('INTERNAL', `a batch worker thread failed: ${(error as Error).message}`, { cause: error });
    for (const requests of this.held.values()) {
      for (const pending of requests.values()) pending.reject(this.broken);
      requests.clear();
    }
    for (const { pending } of this.waiting.splice(0)) pending.reject(this.broken);
  }
}

export function serializeError(error: unknown): SerializedError {
  if (TetraError.is(error)) return { code: error.code, message: error.message, where: { ...error.where } };
  return { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
}

function reviveError(e: SerializedError): TetraError {
  return new TetraError(e.code as never, e.message, (e.where ?? {}) as never);
}
