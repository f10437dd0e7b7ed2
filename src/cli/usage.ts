export const USAGE = `tetra - serve machine-learning models online, in batch, async and streaming

Usage:
  tetra models list [--repo DIR] [--json]
  tetra models inspect <model> [--repo DIR] [--version V] [--json]
  tetra predict <model> [--input FILE|-] [--format csv|jsonl] [--delimiter C]
                [--repo DIR] [--version V] [--batch-size N]

<model> is a model name in the repository (--repo, default ./models) or the
path of a model file (.onnx, XGBoost .json/.ubj, LightGBM .txt/.model, a JS
module). predict reads CSV with a header (empty or NA = missing) or JSON Lines
of records from --input or stdin and prints one JSON line per input row.

Options:
  --repo DIR        model repository folder (env TETRA_REPO; default ./models)
  --version V       model version (default: the newest served)
  --input FILE      input file, or - for stdin (default stdin)
  --format F        csv or jsonl (default: from the file name or its first character)
  --delimiter C     CSV delimiter (default , or tab for .tsv)
  --batch-size N    rows per model call (default 1024)
  --json            machine-readable output
  -h, --help        this text
  --version-info    print Tetra's version
`;
