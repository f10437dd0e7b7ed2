/**
 * The URL to start a benchmark worker thread from. A worker does not inherit
 * the loader hooks of `--import tsx`, so the TypeScript loader is registered
 * in the new thread before the script is imported (as src/cli/batch-threads.ts
 * does when run from source).
 */
export function threadScript(file: string): URL {
  const entry = new URL(file, import.meta.url).href;
  const loader = import.meta.resolve('tsx/esm/api');
  const code = `const { register } = await import(${JSON.stringify(loader)}); register(); await import(${JSON.stringify(entry)});`;
  return new URL(`data:text/javascript,${encodeURIComponent(code)}`);
}
