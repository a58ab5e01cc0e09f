import { describe, expect, it } from 'vitest';
import type { DownloadSnapshot } from '@ferry/common/transfer';
import { shared } from '@ferry/common/test/builders';
import { newJob } from '../src/transfers/download-job';
import { viewOf } from '../src/transfers/job-view';

const file = shared('f1', 'ann', 'a.bin', { size: 4 * 1024 * 1024 });

function job(snapshot: Partial<DownloadSnapshot>) {
  let n = 0;
  const j = newJob(
    { id: 'j1', role: 'client', asker: 'me', kind: 'file', name: 'a.bin', folder: undefined },
    [file],
    () => `t${++n}`,
  );
  const item = j.items[0];
  if (!item) throw new Error('no item');
  item.snapshot = {
    status: 'running',
    bytesDone: 0,
    totalBytes: file.size,
    chunksDone: 0,
    totalChunks: 4,
    bytesPerSecond: 0,
    secondsLeft: null,
    route: null,
    error: null,
    ...snapshot,
  };
  // Any object stands for the engine's Download: viewOf reads only that there is one.
  item.download = {} as never;
  return j;
}

describe('viewOf: the route a download shows before its first chunk', () => {
  it.each([
    ['a direct connection to the owner is being tried', null, 'connecting', 'connecting'],
    ['it failed (or P2P is off): the relay', null, 'relay', 'relay'],
    ['the first chunk came: its route says it all', 'p2p', 'relay', null],
  ] as const)('%s', (_name, route, path, expected) => {
    const asked: string[] = [];
    const view = viewOf(job({ route }), true, null, (owner) => {
      asked.push(owner);
      return path;
    });
    expect(view.routeHint).toBe(expected);
    if (expected !== null) expect(asked).toEqual(['ann']);
  });

  it('says nothing of a route while the download waits', () => {
    expect(viewOf(job({ status: 'waiting-owner' }), true, null, () => 'connecting').routeHint).toBeNull();
  });
});
