import type { SimplePeer } from 'simple-peer';
import { describe, expect, it, vi } from 'vitest';
import {
  MAX_EARLY_BYTES,
  MAX_SIGNALS_BEFORE_LOAD,
  MAX_MESSAGE_BYTES_CAP,
  MAX_MESSAGE_BYTES_FLOOR,
  createSimplePeerLink,
  messageBytesFor,
  type SimplePeerLinkOptions,
} from '../../src/transport/simple-peer-channel';

/*
 * The adapter against a scripted stand-in for simple-peer (the real one over real WebRTC is
 * exercised in node-peer/test, which also checks the private fields are where the adapter reads
 * them). The stand-in has just what the adapter touches: the public events and methods, and the
 * private `_channel`, `_pc` and `_iceCompleteTimer`.
 */

class FakeDataChannel extends EventTarget {
  bufferedAmount = 0;
  bufferedAmountLowThreshold = 64 * 1024; // what simple-peer's _setupData leaves
  listenerCount = 0;
  override addEventListener(...args: Parameters<EventTarget['addEventListener']>): void {
    this.listenerCount += 1;
    super.addEventListener(...args);
  }
  override removeEventListener(...args: Parameters<EventTarget['removeEventListener']>): void {
    this.listenerCount -= 1;
    super.removeEventListener(...args);
  }
}

class FakePeerConnection extends EventTarget {
  sctp: { maxMessageSize: number | null } | null = { maxMessageSize: null };
}

type Listener = (...args: unknown[]) => void;

class FakePeer {
  static last: FakePeer | undefined;
  readonly listeners = new Map<string, Set<Listener>>();
  readonly signals: unknown[] = [];
  readonly sent: Uint8Array[] = [];
  _channel: FakeDataChannel | null = null;
  _pc = new FakePeerConnection();
  _iceCompleteTimer: ReturnType<typeof setTimeout> | null = null;
  destroyCalls = 0;

  constructor(readonly options: Record<string, unknown>) {
    if (options['initiator']) this._channel = new FakeDataChannel();
    FakePeer.last = this;
  }
  on(event: string, listener: Listener): this {
    if (!this.listeners.has(event)) this.listeners.set(event, new Set());
    this.listeners.get(event)?.add(listener);
    return this;
  }
  off(event: string, listener: Listener): this {
    this.listeners.get(event)?.delete(listener);
    return this;
  }
  emit(event: string, ...args: unknown[]): void {
    for (const listener of this.listeners.get(event) ?? []) listener(...args);
  }
  signal(data: unknown): void {
    this.signals.push(data);
  }
  send(data: Uint8Array): void {
    this.sent.push(data);
  }
  destroy(error?: Error): void {
    this.destroyCalls += 1;
    if (this.destroyCalls > 1) return;
    queueMicrotask(() => {
      if (error) this.emit('error', error);
      this.emit('close');
    });
  }
  /** What the answerer sees: simple-peer stores the channel it was offered. */
  announceChannel(): FakeDataChannel {
    const channel = new FakeDataChannel();
    this._channel = channel;
    return channel;
  }
  /** A message as simple-peer's readable stream hands it out. */
  receive(data: unknown): void {
    this.emit('data', data);
  }
}

function makeLink(overrides: Partial<SimplePeerLinkOptions> = {}) {
  const sentSignals: unknown[] = [];
  const link = createSimplePeerLink({
    SimplePeer: FakePeer as unknown as SimplePeer,
    initiator: true,
    config: {},
    channelName: 'ferry',
    sendSignal: (data) => sentSignals.push(data),
    ...overrides,
  });
  const peer = FakePeer.last;
  if (!peer) throw new Error('no peer constructed');
  return { link, peer, sentSignals };
}

function channelOf(peer: FakePeer): FakeDataChannel {
  if (!peer._channel) throw new Error('no data channel yet');
  return peer._channel;
}

describe('messageBytesFor', () => {
  it.each([
    [null, MAX_MESSAGE_BYTES_FLOOR],
    [undefined, MAX_MESSAGE_BYTES_FLOOR],
    [0, MAX_MESSAGE_BYTES_FLOOR],
    [Number.NaN, MAX_MESSAGE_BYTES_FLOOR],
    [Infinity, MAX_MESSAGE_BYTES_CAP],
    [1024 * 1024 * 1024, MAX_MESSAGE_BYTES_CAP],
    [262_144, 262_144],
    [131_072, 131_072],
    [16_384, 16_384],
  ])('remote %s -> %i', (remote, expected) => {
    expect(messageBytesFor(remote)).toBe(expected);
  });
});

describe('createSimplePeerLink (against a stand-in for simple-peer)', () => {
  it('constructs simple-peer with no default STUN servers, and reads its stream (so it flows)', () => {
    const wrtc = {} as NonNullable<SimplePeerLinkOptions['wrtc']>;
    const { peer } = makeLink({ initiator: false, wrtc, config: { iceTransportPolicy: 'relay' } });
    expect(peer.options).toEqual({
      initiator: false,
      channelName: 'ferry',
      config: { iceTransportPolicy: 'relay', iceServers: [] },
      wrtc,
    });
    expect(peer.listeners.get('data')?.size).toBe(1);
    const servers = [{ urls: 'stun:10.0.0.1:3478' }];
    expect(makeLink({ config: { iceServers: servers } }).peer.options['config']).toEqual({ iceServers: servers });
  });

  it('forwards signals both ways and refuses malformed ones by closing with an error', async () => {
    const { link, peer, sentSignals } = makeLink();
    peer.emit('signal', { type: 'offer', sdp: 'v=0' });
    expect(sentSignals).toEqual([{ type: 'offer', sdp: 'v=0' }]);
    const valid = [
      { type: 'answer', sdp: 'v=0' },
      { type: 'candidate', candidate: { candidate: 'candidate:1 1 UDP 1 127.0.0.1 5000 typ host', sdpMid: '0' } },
      { type: 'renegotiate', renegotiate: true },
    ];
    for (const data of valid) link.signal(data);
    expect(peer.signals).toEqual(valid);
    const closes: Array<Error | undefined> = [];
    link.channel.onClose((error) => closes.push(error));
    link.signal({ type: 'transceiverRequest', transceiverRequest: { kind: 'video' } });
    expect(link.channel.state).toBe('closed');
    expect(closes).toHaveLength(1);
    expect(closes[0]).toMatchObject({ code: 'MALFORMED_SIGNAL' });
    expect(peer.destroyCalls).toBe(1);
    link.signal({ type: 'answer', sdp: 'late' });
    expect(peer.signals).toHaveLength(valid.length);
    await Promise.resolve();
  });

  it('closes with the error when sendSignal throws, instead of throwing into simple-peer', () => {
    const { link, peer } = makeLink({
      sendSignal: () => {
        throw new Error('socket closed');
      },
    });
    const closes: Array<Error | undefined> = [];
    link.channel.onClose((error) => closes.push(error));
    expect(() => peer.emit('signal', { type: 'candidate', candidate: { candidate: '' } })).not.toThrow();
    expect(closes.map((error) => error?.message)).toEqual(['socket closed']);
  });

  it.each([null, 'text', 42, { type: 'offer' }, { type: 'candidate', candidate: 'x' }, { sdp: 'v=0' }])(
    'treats %j as malformed signal data',
    (data) => {
      const { link, peer } = makeLink();
      link.signal(data);
      expect(link.channel.state).toBe('closed');
      expect(peer.signals).toEqual([]);
    },
  );

  it('opens on connect with the remote max message size, capped', () => {
    const { link, peer } = makeLink();
    expect(link.channel.state).toBe('connecting');
    expect(link.channel.maxMessageBytes).toBe(MAX_MESSAGE_BYTES_FLOOR);
    peer._pc.sctp = { maxMessageSize: 1024 * 1024 };
    let opens = 0;
    link.channel.onOpen(() => (opens += 1));
    peer.emit('connect');
    expect(opens).toBe(1);
    expect(link.channel.state).toBe('open');
    expect(link.channel.maxMessageBytes).toBe(MAX_MESSAGE_BYTES_CAP);
  });

  it('sends only when open and within maxMessageBytes', () => {
    const { link, peer } = makeLink();
    expect(() => link.channel.send(new Uint8Array(1))).toThrow(expect.objectContaining({ code: 'NOT_OPEN' }));
    peer._pc.sctp = { maxMessageSize: 100_000 };
    peer.emit('connect');
    expect(() => link.channel.send(new Uint8Array(100_001))).toThrow(
      expect.objectContaining({ code: 'MESSAGE_TOO_LARGE' }),
    );
    const data = new Uint8Array([1, 2, 3]);
    link.channel.send(data);
    expect(peer.sent).toEqual([data]);
  });

  it('delivers binary messages as Uint8Array, holding those that beat `connect` until after onOpen', () => {
    const { link, peer } = makeLink({ initiator: false });
    const events: string[] = [];
    link.channel.onOpen(() => events.push('open'));
    link.channel.onMessage((data) => events.push(`${data.constructor.name}:${[...data].join(',')}`));
    peer.announceChannel();
    peer.receive(new Uint8Array([1, 2]).buffer);
    peer.receive(new Uint8Array([9, 3, 4, 9]).subarray(1, 3));
    expect(events).toEqual([]);
    peer.emit('connect');
    peer.receive(new Uint8Array([5]).buffer);
    expect(events).toEqual(['open', 'Uint8Array:1,2', 'Uint8Array:3,4', 'Uint8Array:5']);
  });

  it('closes with an error when the remote sends text, or too much before connect', () => {
    const text = makeLink();
    const closes: Array<Error | undefined> = [];
    text.link.channel.onClose((error) => closes.push(error));
    text.peer.emit('connect');
    text.peer.receive('hello');
    expect(closes[0]).toMatchObject({ code: 'NON_BINARY_MESSAGE' });

    const flood = makeLink();
    const chunk = new ArrayBuffer(1024 * 1024);
    const floodCloses: Array<Error | undefined> = [];
    flood.link.channel.onClose((error) => floodCloses.push(error));
    for (let i = 0; i * chunk.byteLength <= MAX_EARLY_BYTES; i += 1) flood.peer.receive(chunk);
    expect(flood.link.channel.state).toBe('closed');
    expect(floodCloses[0]).toMatchObject({ code: 'EARLY_FLOOD' });
  });

  it('uses the data channel for bufferedAmount, its threshold and bufferedamountlow', () => {
    const { link, peer } = makeLink({ initiator: false });
    link.channel.bufferedAmountLowThreshold = 300_000;
    const channel = peer.announceChannel();
    peer.emit('connect');
    expect(channel.bufferedAmountLowThreshold).toBe(300_000);
    link.channel.bufferedAmountLowThreshold = 1_000;
    expect(channel.bufferedAmountLowThreshold).toBe(1_000);
    expect(link.channel.bufferedAmountLowThreshold).toBe(1_000);
    channel.bufferedAmount = 12_345;
    expect(link.channel.bufferedAmount).toBe(12_345);
    let lows = 0;
    link.channel.onBufferedAmountLow(() => (lows += 1));
    channel.dispatchEvent(new Event('bufferedamountlow'));
    expect(lows).toBe(1);
  });

  it('reports a close from simple-peer once, with its error, and lets go of everything', async () => {
    const { link, peer } = makeLink();
    peer.emit('connect');
    const channel = channelOf(peer);
    expect(channel.listenerCount).toBe(1);
    const closes: Array<Error | undefined> = [];
    link.channel.onClose((error) => closes.push(error));
    const error = new Error('Ice connection failed.');
    peer.destroy(error);
    await Promise.resolve();
    expect(closes).toEqual([error]);
    expect(link.channel.state).toBe('closed');
    expect(link.channel.bufferedAmount).toBe(0);
    expect(channel.listenerCount).toBe(0);
    expect([...peer.listeners.values()].reduce((n, set) => n + set.size, 0)).toBe(1); // the error guard
    link.destroy();
    expect(closes).toHaveLength(1);
  });

  it("destroy is idempotent, fires close once without an error and clears simple-peer's ICE timer", async () => {
    vi.useFakeTimers();
    try {
      const { link, peer } = makeLink();
      let fired = false;
      peer._iceCompleteTimer = setTimeout(() => (fired = true), 5_000);
      const closes: Array<Error | undefined> = [];
      link.channel.onClose((error) => closes.push(error));
      link.destroy();
      link.destroy();
      link.channel.close();
      expect(closes).toEqual([undefined]);
      expect(peer.destroyCalls).toBe(1);
      expect(() => link.channel.send(new Uint8Array(1))).toThrow(expect.objectContaining({ code: 'NOT_OPEN' }));
      await Promise.resolve();
      expect(closes).toHaveLength(1);
      vi.advanceTimersByTime(10_000);
      expect(fired).toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });

  it('refuses to run on a simple-peer without the private fields it reads', async () => {
    class MovedPeer extends FakePeer {
      constructor(options: Record<string, unknown>) {
        super(options);
        delete (this as Partial<FakePeer>)._iceCompleteTimer;
      }
    }
    const closes: Array<Error | undefined> = [];
    const link = createSimplePeerLink({
      SimplePeer: MovedPeer as unknown as SimplePeer,
      initiator: true,
      config: {},
      channelName: 'ferry',
      sendSignal: () => {},
    });
    link.channel.onClose((error) => closes.push(error));
    await Promise.resolve();
    expect(link.channel.state).toBe('closed');
    expect(closes[0]).toMatchObject({ code: 'SIMPLE_PEER_CHANGED' });
  });

  it('refuses to open when the connected peer has no data channel where simple-peer keeps it', () => {
    const { link, peer } = makeLink({ initiator: false });
    const closes: Array<Error | undefined> = [];
    link.channel.onClose((error) => closes.push(error));
    peer.emit('connect');
    expect(link.channel.state).toBe('closed');
    expect(closes[0]).toMatchObject({ code: 'SIMPLE_PEER_CHANGED' });
  });
});

describe('createSimplePeerLink with simple-peer still loading', () => {
  function deferred(): { promise: Promise<SimplePeer>; resolve: () => void; reject: (error: Error) => void } {
    let resolve!: (value: SimplePeer) => void;
    let reject!: (error: Error) => void;
    const promise = new Promise<SimplePeer>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve: () => resolve(FakePeer as unknown as SimplePeer), reject };
  }
  const options = (SimplePeer: Promise<SimplePeer>) => ({
    SimplePeer,
    initiator: false,
    config: {},
    channelName: 'ferry',
    sendSignal: () => {},
  });

  it('waits in connecting, holds the remote signals, and feeds them in order once loaded', async () => {
    FakePeer.last = undefined;
    const loading = deferred();
    const link = createSimplePeerLink(options(loading.promise));
    link.channel.bufferedAmountLowThreshold = 5_000;
    const offer = { type: 'offer', sdp: 'v=0' };
    const candidate = { type: 'candidate', candidate: { candidate: 'candidate:1 1 UDP 1 127.0.0.1 5000 typ host' } };
    link.signal(offer);
    link.signal(candidate);
    expect(link.channel.state).toBe('connecting');
    expect(FakePeer.last).toBeUndefined();
    expect(() => link.channel.send(new Uint8Array(1))).toThrow(expect.objectContaining({ code: 'NOT_OPEN' }));
    loading.resolve();
    await loading.promise;
    const peer = FakePeer.last as FakePeer | undefined;
    if (!peer) throw new Error('no peer constructed');
    expect(peer.signals).toEqual([offer, candidate]);
    const channel = peer.announceChannel();
    peer.emit('connect');
    expect(link.channel.state).toBe('open');
    expect(channel.bufferedAmountLowThreshold).toBe(5_000);
  });

  it('never constructs a peer for a link closed before the module arrived', async () => {
    FakePeer.last = undefined;
    const loading = deferred();
    const link = createSimplePeerLink(options(loading.promise));
    const closes: Array<Error | undefined> = [];
    link.channel.onClose((error) => closes.push(error));
    link.destroy();
    loading.resolve();
    await loading.promise;
    expect(FakePeer.last).toBeUndefined();
    expect(closes).toEqual([undefined]);
  });

  it('closes with the error when the module fails to load, and bounds the signals it holds', async () => {
    const failing = deferred();
    const link = createSimplePeerLink(options(failing.promise));
    const closes: Array<Error | undefined> = [];
    link.channel.onClose((error) => closes.push(error));
    failing.reject(new Error('chunk failed to load'));
    await failing.promise.catch(() => undefined);
    expect(closes.map((error) => error?.message)).toEqual(['chunk failed to load']);

    const flood = createSimplePeerLink(options(deferred().promise));
    const floodCloses: Array<Error | undefined> = [];
    flood.channel.onClose((error) => floodCloses.push(error));
    for (let i = 0; i <= MAX_SIGNALS_BEFORE_LOAD; i += 1) flood.signal({ type: 'renegotiate', renegotiate: true });
    expect(flood.channel.state).toBe('closed');
    expect(floodCloses[0]).toMatchObject({ code: 'EARLY_FLOOD' });
  });
});

describe('createSimplePeerLink: ICE says it cannot connect', () => {
  const closeErrorOf = (link: ReturnType<typeof makeLink>['link']) => {
    const errors: Array<Error | undefined> = [];
    link.channel.onClose((error) => errors.push(error));
    return errors;
  };

  it('fails with ICE_FAILED when gathering completes without one local candidate', () => {
    const { link, peer } = makeLink({ failWithoutCandidates: true });
    const errors = closeErrorOf(link);
    peer.emit('signal', { type: 'offer', sdp: 'v=0\r\n' });
    peer.emit('iceStateChange', 'new', 'gathering');
    expect(link.channel.state).toBe('connecting');
    peer.emit('iceStateChange', 'new', 'complete');
    expect(link.channel.state).toBe('closed');
    expect(errors).toEqual([expect.objectContaining({ code: 'ICE_FAILED' })]);
  });

  it.each([
    [
      'a trickled candidate',
      { type: 'candidate', candidate: { candidate: 'candidate:1 1 udp 1 127.0.0.1 5000 typ host' } },
    ],
    ['a candidate inside the SDP', { type: 'offer', sdp: 'v=0\r\na=candidate:1 1 udp 1 127.0.0.1 5000 typ host\r\n' }],
  ])('keeps connecting after gathering completes with %s', (_name, signal) => {
    const { link, peer } = makeLink({ failWithoutCandidates: true });
    peer.emit('signal', signal);
    peer.emit('iceStateChange', 'checking', 'complete');
    expect(link.channel.state).toBe('connecting');
  });

  it('without failWithoutCandidates (the Node wiring holds its candidates back) an empty gathering is no failure', () => {
    const { link, peer } = makeLink();
    peer.emit('iceStateChange', 'new', 'complete');
    expect(link.channel.state).toBe('connecting');
  });

  it('fails with ICE_FAILED on iceConnectionState failed, whatever the option', () => {
    const { link, peer } = makeLink();
    const errors = closeErrorOf(link);
    peer.emit('iceStateChange', 'failed', 'complete');
    expect(link.channel.state).toBe('closed');
    expect(errors).toEqual([expect.objectContaining({ code: 'ICE_FAILED' })]);
  });

  it('an open link is not closed by a later gathering state', () => {
    const { link, peer } = makeLink({ failWithoutCandidates: true });
    peer.emit('connect');
    peer.emit('iceStateChange', 'connected', 'complete');
    expect(link.channel.state).toBe('open');
  });
});
