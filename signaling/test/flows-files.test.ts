import { afterEach, describe, expect, it } from 'vitest';
import { approve, closeAll, health, offer, pick, registerClient, room, share, waitFor } from './helpers';

// Flows 4-6: adding and removing files, presence and the grace period.

afterEach(closeAll);

describe('flow 4: ADD_FILES', () => {
  it('forwards to the master with the owner stamped; FILES_ADDED goes to approved peers and master only', async () => {
    const { daemon, master, clients } = await room(['alice', 'bob']);
    const [alice, bob] = [pick(clients, 0), pick(clients, 1)];
    const carol = await registerClient(daemon, 'carol');
    const file = offer({ name: 'report.pdf', size: 100, chunkSize: 16, path: 'docs/report.pdf' });
    // A forged owner in the request never survives: the daemon stamps the sender.
    alice.peer.send({
      type: 'ADD_FILES',
      reqId: 'add-1',
      owner: bob.publicId,
      files: [{ ...file, owner: bob.publicId }],
    });
    const forwarded = await master.peer.next('ADD_FILES');
    expect(forwarded).toEqual({ type: 'ADD_FILES', reqId: 'add-1', owner: alice.publicId, files: [file] });
    const answer = {
      type: 'FILES_ADDED',
      reqId: 'add-1',
      owner: alice.publicId,
      files: [{ ...file, owner: alice.publicId }],
      rejected: [],
    };
    master.peer.send(answer);
    for (const peer of [alice.peer, bob.peer, master.peer]) {
      expect(await peer.next('FILES_ADDED')).toEqual(answer);
    }
    await carol.peer.expectNo('FILES_ADDED');
    await bob.peer.expectNo('ADD_FILES');
  });

  it("passes the master's rejections back to the sender", async () => {
    const { master, clients } = await room(['alice']);
    const alice = pick(clients, 0);
    const good = offer();
    const bad = offer({ name: '../escape' });
    alice.peer.send({ type: 'ADD_FILES', reqId: 'add-2', files: [good, bad] });
    const forwarded = await master.peer.next('ADD_FILES');
    expect(forwarded.files).toEqual([good, bad]);
    master.peer.send({
      type: 'FILES_ADDED',
      reqId: 'add-2',
      owner: alice.publicId,
      files: [{ ...good, owner: alice.publicId }],
      rejected: [{ id: bad.id, reason: 'name is a relative path' }],
    });
    const added = await alice.peer.next('FILES_ADDED');
    expect(added.files.map((f) => f.id)).toEqual([good.id]);
    expect(added.rejected).toEqual([{ id: bad.id, reason: 'name is a relative path' }]);
  });

  it('a resend of the same reqId creates no duplicates', async () => {
    const { daemon, master, clients } = await room(['alice']);
    const alice = pick(clients, 0);
    const file = offer();
    const request = { type: 'ADD_FILES', reqId: 'add-again', files: [file] };
    alice.peer.send(request);
    const first = await master.peer.next('ADD_FILES');
    // No answer came (say the master was slow): alice resends, then both answers arrive.
    alice.peer.send(request);
    const stamped = { ...file, owner: first.owner };
    const answer = { type: 'FILES_ADDED', reqId: 'add-again', owner: first.owner, files: [stamped], rejected: [] };
    master.peer.send(answer);
    master.peer.send(answer);
    expect(await alice.peer.next('FILES_ADDED')).toEqual(answer);
    const carol = await registerClient(daemon, 'carol');
    const state = await approve(master, carol);
    expect(state.files).toEqual([stamped]);
    expect((await health(daemon))['files']).toBe(1);
  });
});

describe('flow 4: a folder batch (FileOffer.batch)', () => {
  it('carries the batch to everyone, and a recount replaces the listed file without counting it twice', async () => {
    const { daemon, master, clients } = await room(['alice']);
    const alice = pick(clients, 0);
    const batch = { id: 'trip-batch', count: 3 };
    const a = offer({ path: 'trip/a', name: 'a', batch });
    const [first] = await share(master, alice, [a, offer({ path: 'trip/b', name: 'b', batch })]);
    expect(first?.batch).toEqual(batch);
    // Alice lowers the count (one of three was rejected): the same file, the smaller count.
    const [recounted] = await share(master, alice, [{ ...a, batch: { id: batch.id, count: 2 } }]);
    expect(recounted?.batch).toEqual({ id: batch.id, count: 2 });
    const carol = await registerClient(daemon, 'carol');
    const state = await approve(master, carol);
    expect(state.files.map((f) => [f.name, f.batch?.count])).toEqual([
      ['a', 2],
      ['b', 3],
    ]);
    expect((await health(daemon))['files']).toBe(2);
  });

  it('refuses a batch count out of bounds as a bad message', async () => {
    const { master, clients } = await room(['alice']);
    const alice = pick(clients, 0);
    alice.peer.send({ type: 'ADD_FILES', reqId: 'bad-batch', files: [offer({ batch: { id: 'b', count: 0 } })] });
    expect(await alice.peer.next('ERROR')).toMatchObject({ code: 'BAD_MESSAGE', reqId: 'bad-batch' });
    await master.peer.expectNo('ADD_FILES');
  });
});

describe('flow 5: REMOVE_FILE', () => {
  it("forwards the owner's removal with owner and by; FILE_REMOVED is broadcast", async () => {
    const { daemon, master, clients } = await room(['alice', 'bob']);
    const [alice, bob] = [pick(clients, 0), pick(clients, 1)];
    const carol = await registerClient(daemon, 'carol');
    const [file] = await share(master, alice);
    if (!file) throw new Error('no file');
    alice.peer.send({ type: 'REMOVE_FILE', reqId: 'rm-1', fileId: file.id, by: bob.publicId, owner: bob.publicId });
    const forwarded = await master.peer.next('REMOVE_FILE');
    expect(forwarded).toEqual({
      type: 'REMOVE_FILE',
      reqId: 'rm-1',
      owner: alice.publicId,
      by: alice.publicId,
      fileId: file.id,
    });
    master.peer.send({ type: 'FILE_REMOVED', reqId: 'rm-1', fileId: file.id });
    for (const peer of [alice.peer, bob.peer, master.peer]) {
      expect(await peer.next('FILE_REMOVED')).toMatchObject({ fileId: file.id });
    }
    await carol.peer.expectNo('FILE_REMOVED');
    expect((await health(daemon))['files']).toBe(0);
  });

  it("lets the master remove anyone's file (by = master)", async () => {
    const { master, clients } = await room(['alice']);
    const alice = pick(clients, 0);
    const [file] = await share(master, alice);
    if (!file) throw new Error('no file');
    master.peer.send({ type: 'REMOVE_FILE', reqId: 'rm-2', fileId: file.id });
    expect(await master.peer.next('REMOVE_FILE')).toMatchObject({
      owner: alice.publicId,
      by: master.publicId,
      fileId: file.id,
    });
    master.peer.send({ type: 'FILE_REMOVED', reqId: 'rm-2', fileId: file.id });
    expect((await alice.peer.next('FILE_REMOVED')).fileId).toBe(file.id);
  });
});

describe('flow 6: presence', () => {
  it('CLIENT_DISCONNECTED / CLIENT_RECONNECTED for an approved peer go to approved peers and master', async () => {
    const { daemon, master, clients } = await room(['alice', 'bob'], { gracePeriodMs: 60_000 });
    const [alice, bob] = [pick(clients, 0), pick(clients, 1)];
    const carol = await registerClient(daemon, 'carol');
    const [file] = await share(master, alice);
    await alice.peer.close();
    expect((await bob.peer.next('CLIENT_DISCONNECTED')).publicId).toBe(alice.publicId);
    expect((await master.peer.next('CLIENT_DISCONNECTED')).publicId).toBe(alice.publicId);
    await carol.peer.expectNo('CLIENT_DISCONNECTED');
    const back = await registerClient(daemon, 'alice', { privateId: alice.privateId });
    expect(back.ack).toMatchObject({ publicId: alice.publicId, status: 'approved' });
    expect((await bob.peer.next('CLIENT_RECONNECTED')).publicId).toBe(alice.publicId);
    expect((await master.peer.next('CLIENT_RECONNECTED')).publicId).toBe(alice.publicId);
    const state = await back.peer.next('ROOM_STATE');
    expect(state.files).toEqual([file]);
    await Promise.all([carol.peer.expectNo('CLIENT_RECONNECTED'), bob.peer.expectNo('FILE_REMOVED')]);
  });

  it("a pending peer's presence goes to the master only", async () => {
    const { daemon, master, clients } = await room(['bob']);
    const bob = pick(clients, 0);
    const carol = await registerClient(daemon, 'carol');
    await carol.peer.close();
    expect((await master.peer.next('CLIENT_DISCONNECTED')).publicId).toBe(carol.publicId);
    await bob.peer.expectNo('CLIENT_DISCONNECTED');
    await registerClient(daemon, 'carol', { privateId: carol.privateId });
    expect((await master.peer.next('CLIENT_RECONNECTED')).publicId).toBe(carol.publicId);
    await bob.peer.expectNo('CLIENT_RECONNECTED');
  });

  it("after the grace period an offline peer's files are removed, identity and approval kept", async () => {
    const { daemon, master, clients } = await room(['alice', 'bob'], { gracePeriodMs: 300 });
    const [alice, bob] = [pick(clients, 0), pick(clients, 1)];
    const [file] = await share(master, alice);
    if (!file) throw new Error('no file');
    await alice.peer.close();
    await bob.peer.next('CLIENT_DISCONNECTED');
    expect((await bob.peer.next('FILE_REMOVED', { timeoutMs: 5_000 })).fileId).toBe(file.id);
    expect((await master.peer.next('FILE_REMOVED', { timeoutMs: 5_000 })).fileId).toBe(file.id);
    await waitFor(async () => (await health(daemon))['files'] === 0);
    const back = await registerClient(daemon, 'alice', { privateId: alice.privateId });
    expect(back.ack).toMatchObject({ publicId: alice.publicId, status: 'approved' });
    expect((await back.peer.next('ROOM_STATE')).files).toEqual([]);
  });

  it('a peer back within the grace period keeps its files', async () => {
    const { daemon, master, clients } = await room(['alice', 'bob'], { gracePeriodMs: 500 });
    const [alice, bob] = [pick(clients, 0), pick(clients, 1)];
    const [file] = await share(master, alice);
    await alice.peer.close();
    await bob.peer.next('CLIENT_DISCONNECTED');
    const back = await registerClient(daemon, 'alice', { privateId: alice.privateId });
    expect((await back.peer.next('ROOM_STATE')).files).toEqual([file]);
    // Past the old deadline the files are still there: the timer was cancelled on return.
    await bob.peer.expectNo('FILE_REMOVED', 700);
  });
});
