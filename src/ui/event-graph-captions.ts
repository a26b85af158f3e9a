/**
 * The words said about the drawing as a whole, in the `role="status"` lines
 * above it: how many events and heads it shows, and a layout under way.
 * Text only; the e2e tests and bench/event-graph-bench.ts read these words.
 */

/** "Laying out 500 events…". */
export function layingOutText(count: number): string {
  return `Laying out ${count} event${count === 1 ? '' : 's'}…`;
}

/**
 * "12 events, 2 heads", with "(the newest N; older ones are not drawn)" when
 * the read was cut, and the layout under way (`layingOut` events) after it:
 * an older drawing stays shown while the newer one is laid out.
 */
export function countText(
  graph: { nodes: readonly unknown[]; heads: readonly unknown[]; truncated: boolean },
  layingOut: number | undefined,
): string {
  const count = graph.nodes.length;
  const heads = graph.heads.length;
  return `${count} event${count === 1 ? '' : 's'}, ${heads} head${heads === 1 ? '' : 's'}${graph.truncated ? ` (the newest ${count}; older ones are not drawn)` : ''}${layingOut === undefined ? '' : `. ${layingOutText(layingOut)}`}`;
}
