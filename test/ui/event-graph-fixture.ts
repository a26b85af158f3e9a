/**
 * A page fixture for the event-graph browser test (test/e2e/ui-event-graph.test.ts),
 * loaded through Vite's dev server: two real federated nodes (`federation(2)`,
 * fake IndexedDB, real Ed25519, the MemoryNetwork) and `<tp-event-graph>`
 * elements showing each node's room. The API handed to the element is the real
 * node's change feed plus the three graph reads over its real store — the same one-line
 * delegations the node gains once NodeApi declares them.
 */
import { graphEvent, roomGraph } from '../../src/node/room-graph.js';
import { stateDigest } from '../../src/node/state-digest.js';
import type { EventGraph } from '../../src/ui/event-graph.js';
import { NodeSession } from '../../src/ui/node-session.js';
import { federation, type Server } from '../federation/join/helpers.js';
import '../../src/ui/event-graph.js';

/** What NodeSession wraps (a comlink remote in the app). */
type SessionApi = ConstructorParameters<typeof NodeSession>[0];

/** The node's API with the graph reads, as the worker will expose it. */
function graphApi(server: Server) {
  const { node, store } = server;
  return {
    subscribe: (listener: Parameters<typeof node.subscribe>[0]) => node.subscribe(listener),
    unsubscribe: (id: number) => node.unsubscribe(id),
    roomGraph: (roomId: string, options?: { limit?: number }) => roomGraph(store, roomId, options),
    graphEvent: (roomId: string, eventId: string) => graphEvent(store, roomId, eventId),
    stateDigest: (roomId: string) => stateDigest(store, roomId),
  };
}

/** Two nodes in one public room, each drawn by its own `<tp-event-graph>`, and the controls to fork it. */
export async function setUp() {
  const { network, servers, clock, errors } = await federation(2);
  const [a, b] = servers as [Server, Server];
  const settle = async () => {
    for (let round = 0; round < 20; round++) {
      for (const s of servers) for (const peer of servers) if (peer !== s) s.fed.wake(peer.name);
      await Promise.all(servers.map((s) => s.fed.whenIdle()));
      await new Promise((resolve) => setTimeout(resolve, 0));
      const status = await Promise.all(servers.map((s) => s.fed.queue.status()));
      if (status.every((list) => list.every((d) => d.queued === 0 && d.inFlight === 0))) return;
    }
    throw new Error('the federation did not settle');
  };
  const roomId = await a.node.createRoom({ preset: 'public_chat', name: 'Pool' });
  await b.fed.joinRoom(roomId, [a.name]).catch((error: unknown) => {
    // The server's own error says why it answered 500.
    const causes = errors.map((e) => (e instanceof Error ? (e.stack ?? e.message) : String(e)));
    throw new Error(`${String(error)}\n${causes.join('\n')}`);
  });
  await settle();
  await a.node.setPowerLevel(roomId, b.user, 50);
  await settle();
  const sessions = servers.map((server) => {
    const session = new NodeSession(graphApi(server) as unknown as SessionApi);
    void session.start();
    return session;
  });
  /** Puts a `<tp-event-graph>` of the room on `session` at the end of the page. */
  const mount = (session: NodeSession, title: string, name: string) => {
    const heading = document.createElement('h2');
    heading.textContent = title;
    const element = document.createElement('tp-event-graph') as EventGraph;
    element.session = session;
    element.roomId = roomId;
    element.dataset.node = name;
    document.body.append(heading, element);
    return element;
  };
  const elements = sessions.map((session, i) =>
    mount(session, `Node ${i === 0 ? 'A' : 'B'}`, i === 0 ? 'a' : 'b'),
  );
  return {
    roomId,
    elements,
    /** Splits the network: A and B each keep working alone. */
    partition: () => network.partition([[a.name], [b.name]]),
    /** Heals the network and delivers everything queued. */
    heal: async () => {
      network.heal();
      await clock.advance(1_000);
      await settle();
    },
    sendA: (body: string) => a.node.sendMessage(roomId, { msgtype: 'm.text', body }),
    sendB: (body: string) => b.node.sendMessage(roomId, { msgtype: 'm.text', body }),
    topicA: (topic: string) => a.node.setTopic(roomId, topic),
    nameB: (name: string) => b.node.setName(roomId, name),
    kickB: () => a.node.kick(roomId, b.user, 'bye'),
    /** A sends `count` messages in one batch; returns the last one's event ID. */
    floodA: async (count: string) => {
      const ids = await a.node.sendMessages(
        roomId,
        Array.from({ length: Number(count) }, (_, i) => ({
          msgtype: 'm.text',
          body: `flood ${i}`,
        })),
      );
      return ids.at(-1);
    },
    /** A new graph of A's room (`data-node="fresh"`, up to 1,000 events), drawn from nothing. */
    showFreshA: () => {
      mount(sessions[0] as NodeSession, 'Node A again', 'fresh').limit = 1000;
    },
    settle,
  };
}
