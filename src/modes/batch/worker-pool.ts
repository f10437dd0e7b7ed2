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
 * A fixed set of worker threads running one script, each taking one request
 * at a time; requests wait for the first free worker. A worker that dies
 * fails its request and every later one with the reason.
 */
export class WorkerPool<Req, Res> {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly waiting: { request: Req; pending: Pending<Res> }[] = [];
  private readonly busy = new Map<Worker, { id: number; pending: Pending<Res> }>();
  private nextId = 0;
  private broken?: unknown;

  constructor(script: URL, workerData: unknown, size: number) {
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
    this.idle.push(worker);
  }

  get size(): number {
    return this.workers.length;
  }

  /**
   * Sends `request` to the next idle thread. It is copied, never transferred:
   * a thread that detaches an ArrayBuffer runs its typed-array code slower
   * from then on (see PieceBuffers); large inputs go in shared memory.
   */
  run(request: Req): Promise<Res> {
    if (this.broken) return Promise.reject(this.broken);
    return new Promise<Res>((resolve, reject) => {
      this.waiting.push({ request, pending: { resolve, reject } });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.broken ??= new TetraError('CANCELLED', 'the batch worker threads were stopped');
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private dispatch(): void {
    while (this.idle.length > 0 && this.waiting.length > 0) {
      const worker = this.idle.pop() as Worker;
      const { request, pending } = this.waiting.shift() as (typeof this.waiting)[number];
      const id = this.nextId++;
      this.busy.set(worker, { id, pending });
      worker.postMessage({ id, request });
    }
  }

  private settle(worker: Worker, reply: WorkerReply<Res>): void {
    const job = this.busy.get(worker);
    if (!job || job.id !== reply.id) return;
    this.busy.delete(worker);
    this.idle.push(worker);
    if ('error' in reply) job.pending.reject(reviveError(reply.error));
    else job.pending.resolve(reply.result);
    this.dispatch();
  }

  private fail(error: unknown): void {
    if (this.broken) return;
    this.broken = error instanceof TetraError ? error : new TetraError('INTERNAL', `a batch worker thread failed: ${(error as Error).message}`, { cause: error });
    for (const { pending } of this.busy.values()) pending.reject(this.broken);
    for (const { pending } of this.waiting.splice(0)) pending.reject(this.broken);
    this.busy.clear();
  }
}

export function serializeError(error: unknown): SerializedError {
  if (TetraError.is(error)) return { code: error.code, message: error.message, where: { ...error.where } };
  return { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
}

function reviveError(e: SerializedError): TetraError {
  return new TetraError(e.code as never, e.message, (e.where ?? {}) as never);
}
