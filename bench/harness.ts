/**
 * A small timing harness: every figure is printed beside a baseline measured
 * in the same process, so ratios survive a slow or busy machine.
 */

/** One measured figure. */
export interface Figure {
  /** What was measured. */
  label: string;
  /** The number, in `unit`. */
  value: number;
  /** e.g. "ops/s", "ms". */
  unit: string;
  /** An optional note: a ratio to the baseline, a goal and whether it was met. */
  note?: string;
}

/**
 * Runs `op` repeatedly for about `durationMs` and returns operations per
 * second. `op` may be async and returns how many operations it performed (a
 * batch counts its items).
 */
export async function opsPerSecond(
  op: () => number | Promise<number>,
  durationMs = 1000,
): Promise<number> {
  // Warm up so the JIT and any key caches settle before timing.
  const warmUntil = performance.now() + Math.min(200, durationMs / 4);
  while (performance.now() < warmUntil) await op();
  let count = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < durationMs) {
    count += await op();
    elapsed = performance.now() - start;
  }
  return (count * 1000) / elapsed;
}

/** Median wall time in ms of `runs` runs of `op` (after one warm-up run). */
export async function medianMs(op: () => unknown, runs = 5): Promise<number> {
  await op();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await op();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? Number.NaN;
}

/** Formats a number for the report: thousands separated, sensible precision. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return value.toLocaleString('en-US', {
    maximumFractionDigits: digits,
    minimumFractionDigits: digits,
  });
}

/** Prints a section of figures as an aligned table. */
export function printSection(title: string, figures: readonly Figure[]): void {
  console.log(`\n## ${title}`);
  const width = Math.max(...figures.map((f) => f.label.length));
  for (const f of figures) {
    const value = `${formatNumber(f.value)} ${f.unit}`.padStart(18);
    console.log(`  ${f.label.padEnd(width)}  ${value}${f.note ? `   ${f.note}` : ''}`);
  }
}

/** "0.62× (goal ≥ 0.5×: met)" style note. */
export function ratioNote(ratio: number, goal: number, higherIsBetter = true): string {
  const met = higherIsBetter ? ratio >= goal : ratio <= goal;
  const sign = higherIsBetter ? '≥' : '≤';
  return `${ratio.toFixed(2)}× (goal ${sign} ${goal}×: ${met ? 'met' : 'NOT met'})`;
}
