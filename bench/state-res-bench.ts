import type { RoomVersionId } from '../src/core/room-versions.js';
import { resolveState } from '../src/core/state-res/resolve-state.js';
import { type Figure, medianMs } from './harness.js';
import { buildSyntheticRoom } from './synthetic-room.js';

/** Goal from the core issue: two forks of the 10,000-member room in under 50 ms. */
const TWO_FORK_GOAL_MS = 50;

/**
 * State resolution over a room of 10,000 members and 100 power-level changes:
 * two forks and ten forks, for each room version's algorithm. The baseline is
 * the trivial resolution of one state set (no conflicts) over the same room.
 */
export async function measureStateRes(versions: readonly RoomVersionId[]): Promise<Figure[]> {
  const figures: Figure[] = [];
  for (const roomVersion of versions) {
    for (const forks of [2, 10]) {
      const room = buildSyntheticRoom({
        roomVersion,
        members: 10_000,
        powerLevelChanges: 100,
        forks,
        leavesPerFork: 50,
      });
      const baseline = await medianMs(() =>
        resolveState(roomVersion, [room.baseState], room.eventsById),
      );
      const ms = await medianMs(() => resolveState(roomVersion, room.forkStates, room.eventsById));
      const goal =
        forks === 2
          ? ` (goal < ${TWO_FORK_GOAL_MS} ms: ${ms < TWO_FORK_GOAL_MS ? 'met' : 'NOT met'})`
          : '';
      figures.push({
        label: `v${roomVersion}: ${forks} forks, 10,000 members, 100 PL changes`,
        value: ms,
        unit: 'ms',
        note: `${(ms / baseline).toFixed(1)}× one-set baseline (${baseline.toFixed(1)} ms)${goal}`,
      });
    }
  }
  return figures;
}
