import { describe, expect, it } from 'vitest';
import type { FromDaemon } from '@ferry/common';
import { SignalingConnection } from '../src/signaling/connection';
import type { ConnectionState } from '../src/signaling/connection-machine';
import { FakeClock, FakeNetwork, RecordingLogger } from './fakes';

function setup() {
  const clock = new FakeClock();
  const network = new FakeNetwork();
  const logger = new RecordingLogger();
  const received: FromDaemon[] = [];
  const states: ConnectionState['kind'][] = [];
  const connection = new SignalingConnection(
    { connect: network.connect, clock, random: () => 0, logger, backoff: { baseMs: 1000, maxMs: 8000 } },
    {
      register: () => ({ type: 'CLIENT_REGISTER', name: 'Ann' }),
      onMessage: (m) => received.push(m),
      onState: (s) => states.push(s.kind),
    },
  );
  return { clock, network, logger, received, states, connection };
}

const ack: FromDaemon = {
  type: 'CLIENT_REGISTER_ACK',
  publicId: 'p1',
  privateId: 'secret',
  status: 'pending',
  iceServers: [],
  p2p: true,
};

describe('SignalingConnection', () => {
  it('registers on open and hands over valid frames', () => {
    const { network, connection, received } = setup();
    connection.start();
    network.last.open();
    expect(network.last.sent).toEqual([{ type: 'CLIENT_REGISTER', name: 'Ann' }]);
    network.last.receive(ack);
    expect(received).toEqual([ack]);
  });

  it('ignores and logs invalid frames', () => {
    const { network, connection, received, logger } = setup();
    connection.start();
    network.last.open();
    network.last.receive('not json');
    network.last.receive({ type: 'CLIENT_APPROVED' } as unknown as FromDaemon);
    network.last.receive(JSON.stringify({ type: 'NO_SUCH_THING' }));
    expect(received).toEqual([]);
    expect(logger.warnings).toHaveLength(3);
  });

  it('reconnects with growing, capped delays and resets after a registration', () => {
    const { clock, network, connection } = setup();
    connection.start();
    network.last.drop();
    // attempt 0 -> 500 ms (random 0 = half of the 1000 ms cap)
    clock.advance(499);
    expect(network.sockets).toHaveLength(1);
    clock.advance(1);
    expect(network.sockets).toHaveLength(2);
    network.last.drop();
    clock.advance(999);
    expect(network.sockets).toHaveLength(2);
    clock.advance(1);
    expect(network.sockets).toHaveLength(3);
    for (let i = 0; i < 6; i++) {
      network.last.drop();
      clock.advance(4000);
    }
    expect(network.sockets).toHaveLength(9);
    network.last.open();
    network.last.receive(ack);
    connection.registered();
    network.last.drop();
    clock.advance(500);
    expect(network.sockets).toHaveLength(10);
  });

  it('does not reconnect after the session was replaced', () => {
    const { clock, network, connection, states } = setup();
    connection.start();
    network.last.open();
    connection.registered();
    network.last.drop(4001);
    clock.advance(60_000);
    expect(network.sockets).toHaveLength(1);
    expect(states.at(-1)).toBe('replaced');
    connection.start();
    expect(network.sockets).toHaveLength(2);
  });

  it('ignores callbacks from a socket it already dropped', () => {
    const { network, connection, received } = setup();
    connection.start();
    const first = network.last;
    first.drop();
    connection.retryNow();
    const second = network.last;
    expect(second).not.toBe(first);
    first.open();
    first.receive(ack);
    expect(received).toEqual([]);
    expect(second.sent).toEqual([]);
    second.open();
    expect(second.sent).toHaveLength(1);
  });

  it('drops sends while not connected and closes the socket on stop', () => {
    const { network, connection } = setup();
    connection.start();
    expect(connection.send({ type: 'LEAVE' })).toBe(false);
    network.last.open();
    expect(connection.send({ type: 'LEAVE' })).toBe(true);
    connection.stop('left');
    expect(network.last.isClosed).toBe(true);
    expect(connection.state).toEqual({ kind: 'stopped', reason: 'left' });
  });
});
