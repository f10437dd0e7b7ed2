export { runBatchJob, scoreChunk, type BatchJobSpec, type JobProgress, type InFlight, type ParallelScoring, type ScoredRows, type ScoringPlan } from './batch-job.ts';
export { WorkerPool, serializeError, type SerializedError, type WorkerReply } from './worker-pool.ts';
export { EXIT_CODES, formatSummary, type BatchSummary, type JobStatus } from './job-summary.ts';
export { parseRejectLimit, type RejectLimit } from './reject-limit.ts';
export { parseShard, shardFiles, RowRangeShard, KeyHashShard, type Shard } from './shard.ts';
export { ProgressReporter, type ProgressStyle } from './progress-reporter.ts';
export { JobScheduler, type ScheduledJob, type ScheduledRun, type ScheduleJournal, type JobSchedulerOptions, type JobStatus as ScheduledJobStatus } from './scheduler.ts';
export { CronExpression } from './cron.ts';
