export const USAGE = `tetra - serve machine-learning models online, in batch, async and streaming

Usage:
  tetra models list [--repo DIR] [--json]
  tetra models inspect <model> [--repo DIR] [--model-version V] [--json]
  tetra predict <model> [--input FILE|-] [--format csv|jsonl|json] [--delimiter C]
                [--repo DIR] [--model-version V] [--batch-size N] [--keep-going]

<model> is a model name in the repository (--repo, default ./models), a
model's own folder, or the path of a model file (.onnx, XGBoost .json/.ubj,
LightGBM .txt/.model, a JS module). predict reads CSV with a header (empty
cell or NA = missing), JSON Lines, or a JSON array of records, from --input
or stdin, and prints one JSON line per input row, in input order.

Options:
  --repo DIR           model repository folder (env TETRA_REPO; default ./models)
  --model-version V    model version (default: the newest the policy serves)
  --input FILE         input file, or - for stdin (default stdin)
  --format F           csv, jsonl or json (default: from the file name or its first character)
  --delimiter C        CSV delimiter (default , or tab for .tsv)
  --batch-size N       rows per model call (default 1024)
  --keep-going         print {"error": ...} for a bad row and go on (exit code 1 at the end)
  --json               machine-readable output
  -h, --help           this text
  -V, --version        print Tetra's version
`;
