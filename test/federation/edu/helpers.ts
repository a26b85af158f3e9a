/**
 * The EDU and ACL tests' federation: the FederatedNodes of
 * test/federation/join/helpers.ts (which own their EDUs and check the room ACL
 * on make_join/send_join), with shortcuts to each node's parts, a room every
 * server has joined, and a close that stops them all.
 */
import { federation, type Server } from '../join/helpers.js';

/** One server of the test federation, with its federation parts at hand. */
export interface EduServer extends Server {
  client: Server['fed']['client'];
  queue: Server['fed']['queue'];
  edus: Server['fed']['edus'];
  joinRoom(roomId: string, via: string[]): Promise<string>;
  whenIdle(): Promise<void>;
}

/** `count` federated servers (identity seeds 1..count). */
export async function eduFederation(count: number) {
  const fed = await federation(count);
  const servers: EduServer[] = fed.servers.map((s) => ({
    ...s,
    client: s.fed.client,
    queue: s.fed.queue,
    edus: s.fed.edus,
    joinRoom: (roomId, via) => s.fed.joinRoom(roomId, via),
    whenIdle: () => s.fed.whenIdle(),
  }));

  /** A public room on the first server that every other server has joined. */
  async function sharedRoom(): Promise<string> {
    const [a, ...rest] = servers;
    const roomId = await a!.node.createRoom({ name: 'Shared', preset: 'public_chat' });
    for (const s of rest) {
      await s.joinRoom(roomId, [a!.name]);
      await fed.settle();
    }
    return roomId;
  }

  async function close(): Promise<void> {
    for (const s of servers) await s.fed.close();
  }

  return { ...fed, servers, sharedRoom, close };
}
