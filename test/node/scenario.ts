/**
 * A scripted run over one room: messages in batches and one by one, state
 * changes, membership changes, a redaction and an edit. Used by the reopen
 * and whole-run property tests.
 */
import type { RoomPreset } from '../../src/node/api.js';
import type { TidepoolNode } from '../../src/node/node.js';
import { text } from './helpers.js';

/** Options for runScenario. */
export interface ScenarioOptions {
  roomVersion: '10' | '11' | '12';
  preset: RoomPreset;
  /** Messages to send in all (batches of 100, then the rest one by one). */
  messages: number;
}

/** Runs the scenario; returns the room ID. */
export async function runScenario(node: TidepoolNode, options: ScenarioOptions): Promise<string> {
  const { serverName } = await node.identity();
  const bob = '@bob:example.org';
  const carol = `@carol:${serverName}`;
  const roomId = await node.createRoom({
    preset: options.preset,
    roomVersion: options.roomVersion,
    name: `Room ${options.preset}`,
    topic: 'A topic',
    alias: `#${options.preset}-${options.roomVersion}:${serverName}`,
    invite: [bob],
  });
  const batched = Math.floor(options.messages / 100) * 100 - (options.messages >= 100 ? 100 : 0);
  for (let sent = 0; sent < batched; sent += 100) {
    await node.sendMessages(
      roomId,
      Array.from({ length: 100 }, (_, i) => text(`message ${sent + i}`)),
    );
  }
  const singles: string[] = [];
  for (let i = batched; i < options.messages; i++) {
    singles.push(await node.sendMessage(roomId, text(`single ${i}`)));
    // Interleave state and membership changes with the messages.
    if (i === batched + 5) await node.setName(roomId, 'Renamed');
    if (i === batched + 6) await node.setTopic(roomId, 'New topic');
    if (i === batched + 7) await node.setPowerLevel(roomId, carol, 50);
    if (i === batched + 8) await node.setJoinRule(roomId, 'public');
    if (i === batched + 9) await node.invite(roomId, carol);
    if (i === batched + 10) await node.kick(roomId, carol, 'testing');
    if (i === batched + 11) await node.ban(roomId, carol);
    if (i === batched + 12) await node.unban(roomId, carol);
    if (i === batched + 13) await node.setHistoryVisibility(roomId, 'joined');
  }
  await node.redact(roomId, singles[0]!, 'oops');
  await node.editMessage(roomId, singles[1]!, { msgtype: 'm.text', body: 'edited once' });
  await node.editMessage(roomId, singles[1]!, {
    msgtype: 'm.text',
    body: 'edited twice',
    formattedBody: '<b>edited</b> twice',
  });
  await node.setPowerLevel(roomId, carol, 10);
  await node.setAvatar(roomId, 'mxc://example.org/avatar');
  await node.setProfile({ displayName: 'Alice A.' });
  return roomId;
}
