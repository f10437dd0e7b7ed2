export const USAGE = `tetra - serve machine-learning models online, in batch, async and streaming

Usage:
  tetra serve [--repo DIR] [--model NAME=PATH]... [--port N] [--host H] [--config FILE]
  tetra batch --model <model> --input <source> --output <target> [options]
  tetra batch <job> [--config FILE] [--force] [--shard i/N]
  tetra schedule [--config FILE] [--port N]
  tetra predict <model> [--input FILE|-] [--format csv|jsonl|json] [--delimiter C]
                [--repo DIR] [--model-version V] [--batch-size N] [--keep-going]
  tetra models list [--repo DIR] [--json]
  tetra models inspect <model> [--repo DIR] [--model-version V] [--json]

<model> is a model name in the repository (--repo, default ./models), a
model's own folder, or the path of a model file (.onnx, XGBoost .json/.ubj,
LightGBM .txt/.model, a JS module).

serve answers HTTP (Open Inference Protocol v2, /v1 records API, SageMaker
/invocations) on port 8080, with settings from tetra.yaml < TETRA_* < flags.

batch scores a dataset in chunks, resumably: killed and started again with
the same arguments it goes on after its last committed chunk.
  <source>  a CSV, JSON Lines or Parquet file (.gz for gzip), a folder or a
            glob of them (data/part-*.csv; never the job's own output,
            rejects or summary), postgres://...?table=s.t or
            ?query=SELECT..., or - for stdin
  <target>  a .csv, .jsonl or .parquet file, postgres://...?table=s.t, or -
  --keep-columns a,b|all   input columns copied into the output (ids, keys)
  --rejects FILE           rejected rows (default <target>.rejects.jsonl)
  --max-rejects N|P%       fail the job (exit 1) beyond this many rejected rows
  --chunk-rows N           rows per chunk, the unit of scoring (default 4096)
  --commit-rows N          rows per commit, where a killed job resumes (default 65536)
  --workers N              threads that parse and score pieces of files (on more than
                           two cores, by default: one per core for CSV and JSON Lines of
                           64 MiB or more, the main thread scoring the first rows while
                           they start, and for Parquet of 500k rows or more, as many as
                           its row groups and a 768 MiB budget for decoding them allow)
  --model-threads N        threads that only run the model while the main thread reads
                           and writes, any input (on two cores, by default: 1 for the
                           inputs above); --workers 0 or --model-threads 0: main only
  --shard i/N              this process's part: by file, row range or --shard-key COL
  --input-format, --output-format csv|jsonl|parquet (default: from the name)
  --if-exists fail|append|replace   a database table that already holds rows
  --force                  start over, forgetting the earlier job at the output (even a
                           finished one); a job still writing it keeps it (JOB_LOCKED)
  --summary FILE           the JSON summary (default <target>.summary.json)
  --progress bar|log|none  (default: bar on a terminal, log lines otherwise)
  Exit codes: 0 done, 3 done with rejected rows, 1 failed, 2 wrong usage.

schedule runs the jobs of tetra.yaml that have a cron schedule, never two
runs of one job at once; --port serves /metrics.

predict prints one JSON line per input row, in input order.

Options:
  --repo DIR           model repository folder (env TETRA_REPO; default ./models)
  --model-version V    model version (default: the newest the policy serves)
  --config FILE        tetra.yaml (default ./tetra.yaml when present)
  --input FILE         input file, or - for stdin (default stdin)
  --format F           predict: csv, jsonl or json (default: from the file name or its first character)
  --delimiter C        CSV delimiter (default , or tab for .tsv)
  --batch-size N       predict: rows per model call (default 1024)
  --keep-going         predict: print {"error": ...} for a bad row and go on (exit code 1 at the end)
  --json               machine-readable output
  -h, --help           this text
  -V, --version        print Tetra's version
`;
