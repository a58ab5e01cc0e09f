import { describe, expect, it } from 'vitest';
import type { FromDaemon, ToDaemon } from '../../src/protocol/messages';
import type { FileInfo } from '../../src/protocol/shapes';
import { systemClock } from '../../src/transfer/clock';
import type { Link } from '../../src/transfer/links';
import { RequestTable } from '../../src/transfer/request-table';
import { TransferService } from '../../src/transfer/service';

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
