/** Runs `fn` repeatedly for about `ms` milliseconds after a warm-up; returns calls per second. */
export async function callsPerSecond(fn: () => unknown, ms = 1000): Promise<number> {
  const warmUntil = performance.now() + ms / 4;
  while (performance.now() < warmUntil) await fn();
  let calls = 0;
  const started = performance.now();
  let now = started;
  while (now - started < ms) {
    for (let i = 0; i < 16; i++) await fn();
    calls += 16;
    now = performance.now();
  }
  return (calls * 1000) / (now - started);
}

export function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
