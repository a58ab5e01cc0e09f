import type { FileInfo, FromDaemon } from '@ferry/common';
import { describe, expect, it } from 'vitest';
import { MasterSession } from '../src/master-session';
import { tokenFromFragment } from '../src/token';
import { offer, person, shared } from '@ferry/common/test/builders';
import { fakeDeps, fakeFile, flush, until } from '@ferry/web/test/fakes';

const KEY = 'ferry.master.identity';

const ack = (files = [shared('f1', 'ann', 'a.txt')]): FromDaemon => ({
  type: 'MASTER_APP_REGISTER_ACK',
  publicId: 'host',
  privateId: 'master-secret',
  clients: [
    person('host', 'Host', { isMaster: true }),
    person('ann', 'Ann'),
    person('cat', 'Cat', { status: 'pending' }),
  ],
  files,
});

async function connectedMaster(files?: FileInfo[]) {
  const fakes = fakeDeps();
  const session = new MasterSession({ ...fakes.deps, token: 'T' });
  await session.init();
  fakes.network.last.open();
  fakes.network.last.receive(ack(files));
  return { ...fakes, session };
}

describe('MasterSession', () => {
  it('registers with the token, keeps its privateId and resumes with it', async () => {
    const { network, storage } = await connectedMaster();
    expect(network.sockets[0]?.sent[0]).toEqual({
      type: 'MASTER_APP_REGISTER',
      token: 'T',
      features: ['remove-files'],
    });
    await flush();
    expect(storage.data.get(KEY)).toEqual({ privateId: 'master-secret', token: 'T' });
    const reloaded = new MasterSession({ ...fakeDeps().deps, connect: network.connect, storage, token: null });
    await reloaded.init();
    network.last.open();
    expect(network.last.sent[0]).toEqual({
      type: 'MASTER_APP_REGISTER',
      token: 'T',
      privateId: 'master-secret',
      features: ['remove-files'],
    });
  });

  it('asks for the master link when there is no token at all', async () => {
    const { deps, network } = fakeDeps();
    const session = new MasterSession({ ...deps, token: null });
    await session.init();
    expect(session.view.problem).toEqual({ kind: 'no-token' });
    expect(network.sockets).toHaveLength(0);
  });

  it('stops on a bad token and forgets the stored one', async () => {
    const { deps, network, storage, clock } = fakeDeps();
    storage.data.set(KEY, { privateId: 'old', token: 'T' });
    const session = new MasterSession({ ...deps, token: 'T' });
    await session.init();
    network.last.open();
    network.last.receive({ type: 'ERROR', code: 'BAD_TOKEN', message: 'bad token' });
    expect(session.view.problem).toEqual({ kind: 'bad-token' });
    clock.advance(60_000);
    expect(network.sockets).toHaveLength(1);
    await flush();
    expect(storage.data.has(KEY)).toBe(false);
  });

  it('answers a forwarded ADD_FILES with FILES_ADDED, rejecting duplicates', async () => {
    const { network } = await connectedMaster();
    network.last.receive({
      type: 'ADD_FILES',
      reqId: 'r1',
      owner: 'ann',
      files: [offer('n1', 'new.txt'), offer('n2', 'a.txt')],
    });
    expect(network.last.sentOfType('FILES_ADDED')).toEqual([
      {
        type: 'FILES_ADDED',
        reqId: 'r1',
        owner: 'ann',
        files: [shared('n1', 'ann', 'new.txt')],
        rejected: [{ id: 'n2', reason: 'the same file is already shared' }],
      },
    ]);
  });

  it('checks a second request against the first before the daemon echoes it', async () => {
    const { network } = await connectedMaster([]);
    network.last.receive({ type: 'ADD_FILES', reqId: 'r1', owner: 'ann', files: [offer('n1', 'x.txt')] });
    network.last.receive({ type: 'ADD_FILES', reqId: 'r2', owner: 'bob', files: [offer('n1', 'y.txt')] });
    const answers = network.last.sentOfType('FILES_ADDED');
    expect(answers[1]?.files).toEqual([]);
    expect(answers[1]?.rejected).toEqual([{ id: 'n1', reason: 'another file already uses this id' }]);
    // A resend of r1 gets the same answer.
    network.last.receive({ type: 'ADD_FILES', reqId: 'r1', owner: 'ann', files: [offer('n1', 'x.txt')] });
    expect(network.last.sentOfType('FILES_ADDED')[2]).toEqual(answers[0]);
  });

  it('answers a forwarded REMOVE_FILE from the owner', async () => {
    const { network } = await connectedMaster();
    network.last.receive({ type: 'REMOVE_FILE', reqId: 'q1', owner: 'ann', by: 'ann', fileId: 'f1' });
    network.last.receive({ type: 'REMOVE_FILE', reqId: 'q2', owner: 'ann', by: 'eve', fileId: 'f1' });
    expect(network.last.sentOfType('FILE_REMOVED')).toEqual([{ type: 'FILE_REMOVED', reqId: 'q1', fileId: 'f1' }]);
  });

  it('answers a forwarded REMOVE_FILES with the ids it allows, in one FILES_REMOVED', async () => {
    const room = [shared('f1', 'ann', 'a.txt'), shared('f2', 'ann', 'b.txt'), shared('g1', 'bob', 'c.txt')];
    const { network, session } = await connectedMaster(room);
    // The daemon stamped `owner` from f1; g1 is bob's, so ann may not remove it: the host leaves it out.
    network.last.receive({ type: 'REMOVE_FILES', reqId: 'q1', owner: 'ann', by: 'ann', fileIds: ['f1', 'g1', 'f2'] });
    network.last.receive({ type: 'REMOVE_FILES', reqId: 'q2', owner: 'bob', by: 'eve', fileIds: ['g1'] });
    expect(network.last.sentOfType('FILES_REMOVED')).toEqual([
      { type: 'FILES_REMOVED', reqId: 'q1', fileIds: ['f1', 'f2'] },
    ]);
    // Answers to guests are the guests' business: an ERROR about one is not shown to the host.
    network.last.receive({ type: 'ERROR', code: 'FORBIDDEN', message: 'not yours', reqId: 'q1' });
    expect(session.view.notice).toBeNull();
    expect(session.view.peopleNotice).toBeNull();
  });

  it('shares its own files by answering itself, settled by the echo', async () => {
    const { network, session } = await connectedMaster();
    session.addFiles([{ file: fakeFile('mine.txt', 4) }]);
    await until(() => network.last.sentOfType('FILES_ADDED').length > 0);
    const [answer] = network.last.sentOfType('FILES_ADDED');
    expect(answer?.owner).toBe('host');
    expect(answer?.files.map((f) => f.name)).toEqual(['mine.txt']);
    expect(network.last.sentOfType('ADD_FILES')).toEqual([]);
    expect(session.view.outbox.requests).toHaveLength(1);
    if (answer) network.last.receive(answer);
    expect(session.view.outbox.requests).toHaveLength(0);
    expect(session.view.room.files.map((f) => f.name)).toEqual(['a.txt', 'mine.txt']);
    const mine = session.view.room.files.find((f) => f.name === 'mine.txt');
    session.removeFile(mine?.id ?? '');
    // The host's own removals skip the round trip, as its offers do.
    expect(network.last.sentOfType('FILES_REMOVED')).toEqual([expect.objectContaining({ fileIds: [mine?.id] })]);
    expect(network.last.sentOfType('REMOVE_FILES')).toEqual([]);
  });

  it('removes its whole share in batches of 1,000, each answered by the echo', async () => {
    const own = Array.from({ length: 2_500 }, (_, i) => shared(`m${i}`, 'host', `${i}.txt`, { path: `big/${i}.txt` }));
    const { network, session, clock } = await connectedMaster([shared('f1', 'ann', 'a.txt'), ...own]);
    session.removeFolder('big');
    expect(session.view.removing.size).toBe(2_500);
    clock.advance(100);
    clock.advance(100);
    const sent = network.last.sentOfType('FILES_REMOVED');
    expect(sent.map((m) => m.fileIds.length)).toEqual([1000, 1000, 500]);
    expect(sent.flatMap((m) => m.fileIds)).toEqual(own.map((f) => f.id));
    for (const answer of sent) network.last.receive(answer);
    expect(session.view.removing.size).toBe(0);
    expect(session.view.room.files.map((f) => f.id)).toEqual(['f1']);
  });

  it("removes a guest's text post, never a guest's file, and answers a guest's own removal of it", async () => {
    const text = shared('t1', 'ann', 'Text', { size: 7, mime: 'text/plain', text: 'hunter2' });
    const { network, session } = await connectedMaster([shared('f1', 'ann', 'a.txt'), text]);
    session.removeOthersText('f1');
    expect(network.last.sentOfType('FILE_REMOVED')).toEqual([]);
    session.removeOthersText('t1');
    expect(network.last.sentOfType('FILE_REMOVED')).toEqual([expect.objectContaining({ fileId: 't1' })]);
    // The text was gone already: the daemon's refusal is not the host's business.
    const [sent] = network.last.sentOfType('FILE_REMOVED');
    network.last.receive({ type: 'ERROR', code: 'NO_SUCH_FILE', message: 'no such file', reqId: sent?.reqId ?? '' });
    expect(session.view.notice).toBeNull();
  });

  it('approves and removes people', async () => {
    const { network, session } = await connectedMaster();
    session.approve('cat');
    session.disapprove('ann');
    expect(network.last.sentOfType('APPROVE_CLIENT')).toEqual([expect.objectContaining({ publicId: 'cat' })]);
    expect(network.last.sentOfType('DIS_APPROVE_CLIENT')).toEqual([expect.objectContaining({ publicId: 'ann' })]);
  });
});

describe('tokenFromFragment', () => {
  it.each([
    ['#token=abc', 'abc'],
    ['#token=a%2Bb&x=1', 'a+b'],
    ['', null],
    ['#token=', null],
    ['#other=1', null],
  ])('%s -> %s', (hash, token) => {
    expect(tokenFromFragment(hash)).toBe(token);
  });
});
