import { describe, expect, it } from 'vitest';
import type { FromDaemon, ToDaemon } from '../../src/protocol/messages';
import type { FileInfo } from '../../src/protocol/shapes';
import { systemClock } from '../../src/transfer/clock';
import type { Link } from '../../src/transfer/links';
import { RequestTable } from '../../src/transfer/request-table';
import { TransferService } from '../../src/transfer/service';
import { createMemoryChannelPair } from '../../src/transport/memory-channel';

const file: FileInfo = { id: 'f1', owner: 'ann', name: 'x.bin', size: 8, chunkSize: 4 };

function service() {
  const sent: ToDaemon[] = [];
  const s = new TransferService({
    send: (message) => sent.push(message),
    selfId: () => 'me',
    p2pEnabled: () => false,
    createLink: (): Link => {
      throw new Error('no links here');
    },
    readChunk: () => Promise.resolve('gone'),
    sha256: () => Promise.resolve(new Uint8Array(32)),
    clock: systemClock,
    relayPut: () => Promise.resolve('ok'),
    relayGet: () => Promise.resolve('missing'),
    finish: () => Promise.resolve(),
  });
  const store = {
    putChunk: () => Promise.resolve(),
    saveProgress: () => Promise.resolve(),
    clear: () => Promise.resolve(),
  };
  const download = s.download(file, 't1', store);
  const request = sent.find((m) => m.type === 'REQUEST_CHUNK');
  if (request?.type !== 'REQUEST_CHUNK' || request.reqId === undefined) throw new Error('no request sent');
  const error = (code: 'NO_SUCH_PEER' | 'NO_SUCH_FILE', reqId: string): FromDaemon => ({
    type: 'ERROR',
    code,
    message: '',
    reqId,
  });
  return { s, download, reqId: request.reqId, error };
}

describe('TransferService: daemon errors reach the download that sent the request', () => {
  it.each([
    ['NO_SUCH_PEER', 'waiting-owner', null],
    ['NO_SUCH_FILE', 'failed', { code: 'FILE_NOT_SHARED' }],
  ] as const)('%s -> %s', (code, status, failure) => {
    const { s, download, reqId, error } = service();
    expect(s.isOwnRequest(reqId)).toBe(true);
    s.handle(error(code, reqId));
    expect(download.snapshot()).toMatchObject({ status, error: failure });
    s.destroy();
  });

  it('FILES_REMOVED naming the file fails its download as FILE_REMOVED does; other ids leave it running', () => {
    const { s, download } = service();
    s.handle({ type: 'FILES_REMOVED', fileIds: ['other', 'f2'] });
    expect(download.status).toBe('running');
    s.handle({ type: 'FILES_REMOVED', reqId: 'rm', fileIds: ['other', file.id] });
    expect(download.snapshot()).toMatchObject({ status: 'failed', error: { code: 'FILE_NOT_SHARED' } });
    s.destroy();
  });

  it('ignores an ERROR naming a request it never sent, however its reqId looks', () => {
    const { s, download, reqId, error } = service();
    const lookalike = `${reqId}0`;
    expect(s.isOwnRequest(lookalike)).toBe(false);
    s.handle(error('NO_SUCH_FILE', lookalike));
    expect(download.status).toBe('running');
    s.destroy();
  });
});

describe('RequestTable', () => {
  it('keeps the most recent requests, forgetting the oldest first', () => {
    const table = new RequestTable<number>(2);
    table.add('a', 1);
    table.add('b', 2);
    table.add('c', 3);
    expect([table.get('a'), table.get('b'), table.get('c')]).toEqual([undefined, 2, 3]);
    expect(table.has(undefined)).toBe(false);
  });
});

describe('TransferService: what a download says before its first chunk, and refused SIGNALs', () => {
  function dialer(isP2pOn: boolean) {
    const sent: ToDaemon[] = [];
    const s = new TransferService({
      send: (message) => sent.push(message),
      selfId: () => 'ann',
      p2pEnabled: () => isP2pOn,
      // A link that never opens; dialing sends its offer, as simple-peer does.
      createLink: ({ initiator, sendSignal }): Link => {
        const [mine] = createMemoryChannelPair({ latencyMs: 0, maxMessageBytes: 1024, openDelayMs: 3_600_000 });
        if (initiator) sendSignal({ type: 'offer', sdp: 'x' });
        return { channel: mine, signal: () => undefined, destroy: () => mine.close() };
      },
      readChunk: () => Promise.resolve('gone'),
      sha256: () => Promise.resolve(new Uint8Array(32)),
      clock: systemClock,
      relayPut: () => Promise.resolve('ok'),
      relayGet: () => Promise.resolve('missing'),
      finish: () => Promise.resolve(),
    });
    return { s, sent };
  }

  it('with P2P off, bytes come through the relay', () => {
    const { s } = dialer(false);
    expect(s.pathFrom('bob')).toBe('relay');
    s.destroy();
  });

  it('a SIGNAL refused for our rate fails the connection at once: the relay it is', async () => {
    const { s, sent } = dialer(true);
    const channel = s.links.channelTo('bob');
    const signal = sent.find((m) => m.type === 'SIGNAL');
    if (signal?.type !== 'SIGNAL' || signal.reqId === undefined) throw new Error('no SIGNAL with a reqId');
    expect(Object.keys(signal).indexOf('reqId')).toBeLessThan(Object.keys(signal).indexOf('data'));
    expect(s.pathFrom('bob')).toBe('connecting');
    expect(s.isOwnRequest(signal.reqId)).toBe(true);
    s.handle({ type: 'ERROR', code: 'RATE_LIMITED', message: 'slow down', reqId: signal.reqId });
    expect(await channel).toBeNull();
    expect(s.pathFrom('bob')).toBe('relay');
    s.destroy();
  });
});
