/** Writes to stdout, waiting when the pipe is full. A closed pipe (`| head`) ends the process quietly. */
export function writeOut(text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    process.stdout.write(text, (error) => (error ? reject(error) : resolve()));
  });
}

/** Warnings and progress for the person at the terminal. */
export function writeErr(text: string): void {
  process.stderr.write(text);
}

process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  process.stderr.write(`tetra: cannot write the output: ${error.message}\n`);
  process.exit(1);
});
