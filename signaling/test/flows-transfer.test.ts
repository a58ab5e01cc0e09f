import { afterEach, describe, expect, it } from 'vitest';
import { closeAll, pick, room, share } from './helpers';

// Flow 7 over the WebSocket: REQUEST_CHUNK, SIGNAL, CANCEL_TRANSFER.

afterEach(closeAll);

async function twoPeersAndAFile(p2p: boolean) {
  const { daemon, master, clients } = await room(['alice', 'bob'], { p2p });
  const [alice, bob] = [pick(clients, 0), pick(clients, 1)];
  const [file] = await share(master, alice);
  if (!file) throw new Error('no file');
  return { daemon, master, alice, bob, file };
}

describe('flow 7: transfers', () => {
  it('REQUEST_CHUNK reaches the owner as UPLOAD_CHUNK_REQUEST with `from` stamped', async () => {
    const { master, alice, bob, file } = await twoPeersAndAFile(true);
    bob.peer.send({
      type: 'REQUEST_CHUNK',
      transferId: 'tr-1',
      fileId: file.id,
      start: 0,
      end: 3,
      from: master.publicId,
    });
    expect(await alice.peer.next('UPLOAD_CHUNK_REQUEST')).toEqual({
      type: 'UPLOAD_CHUNK_REQUEST',
      transferId: 'tr-1',
      fileId: file.id,
      start: 0,
      end: 3,
      from: bob.publicId,
    });
    await Promise.all([master.peer.expectNo('UPLOAD_CHUNK_REQUEST'), bob.peer.expectNo('ERROR')]);
  });

  it('the master downloads like any peer', async () => {
    const { master, alice, file } = await twoPeersAndAFile(true);
    master.peer.send({ type: 'REQUEST_CHUNK', transferId: 'tr-m', fileId: file.id, start: 1, end: 2 });
    expect(await alice.peer.next('UPLOAD_CHUNK_REQUEST')).toMatchObject({ start: 1, end: 2, from: master.publicId });
  });

  it.each([
    ['off', false],
    ['on', true],
  ])('SIGNAL is relayed both ways with `from` stamped (p2p %s)', async (_label, p2p) => {
    const { master, alice, bob } = await twoPeersAndAFile(p2p);
    const offerData = { sdp: 'v=0 offer', kind: 'offer' };
    bob.peer.send({ type: 'SIGNAL', to: alice.publicId, from: master.publicId, data: offerData });
    expect(await alice.peer.next('SIGNAL')).toEqual({ type: 'SIGNAL', from: bob.publicId, data: offerData });
    alice.peer.send({ type: 'SIGNAL', to: bob.publicId, data: { candidate: 'c1' } });
    expect(await bob.peer.next('SIGNAL')).toEqual({ type: 'SIGNAL', from: alice.publicId, data: { candidate: 'c1' } });
    master.peer.send({ type: 'SIGNAL', to: bob.publicId, data: 'opaque string' });
    expect(await bob.peer.next('SIGNAL')).toEqual({ type: 'SIGNAL', from: master.publicId, data: 'opaque string' });
    await master.peer.expectNo('SIGNAL');
  });

  it('CANCEL_TRANSFER from the asker reaches the owner as TRANSFER_CANCELLED', async () => {
    const { master, alice, bob, file } = await twoPeersAndAFile(false);
    bob.peer.send({ type: 'REQUEST_CHUNK', transferId: 'tr-2', fileId: file.id, start: 0, end: 1 });
    await alice.peer.next('UPLOAD_CHUNK_REQUEST');
    bob.peer.send({ type: 'CANCEL_TRANSFER', transferId: 'tr-2' });
    expect(await alice.peer.next('TRANSFER_CANCELLED')).toEqual({ type: 'TRANSFER_CANCELLED', transferId: 'tr-2' });
    await master.peer.expectNo('TRANSFER_CANCELLED');
  });

  it('CANCEL_TRANSFER from the owner reaches the asker as TRANSFER_CANCELLED', async () => {
    const { alice, bob, file } = await twoPeersAndAFile(false);
    bob.peer.send({ type: 'REQUEST_CHUNK', transferId: 'tr-3', fileId: file.id, start: 0, end: 3 });
    await alice.peer.next('UPLOAD_CHUNK_REQUEST');
    alice.peer.send({ type: 'CANCEL_TRANSFER', transferId: 'tr-3' });
    expect(await bob.peer.next('TRANSFER_CANCELLED')).toEqual({ type: 'TRANSFER_CANCELLED', transferId: 'tr-3' });
  });

  it('refuses a transferId already used by another asker', async () => {
    const { master, alice, bob, file } = await twoPeersAndAFile(false);
    bob.peer.send({ type: 'REQUEST_CHUNK', transferId: 'tr-taken', fileId: file.id, start: 0, end: 1 });
    await alice.peer.next('UPLOAD_CHUNK_REQUEST');
    master.peer.send({
      type: 'REQUEST_CHUNK',
      transferId: 'tr-taken',
      fileId: file.id,
      start: 0,
      end: 1,
      reqId: 'steal',
    });
    expect(await master.peer.next('ERROR')).toMatchObject({ code: 'FORBIDDEN', reqId: 'steal' });
    await alice.peer.expectNo('UPLOAD_CHUNK_REQUEST');
  });

  it('removing a file cancels its transfers on both sides', async () => {
    const { master, alice, bob, file } = await twoPeersAndAFile(false);
    bob.peer.send({ type: 'REQUEST_CHUNK', transferId: 'tr-4', fileId: file.id, start: 0, end: 1 });
    await alice.peer.next('UPLOAD_CHUNK_REQUEST');
    alice.peer.send({ type: 'REMOVE_FILE', reqId: 'rm', fileId: file.id });
    await master.peer.next('REMOVE_FILE');
    master.peer.send({ type: 'FILE_REMOVED', reqId: 'rm', fileId: file.id });
    expect((await bob.peer.next('TRANSFER_CANCELLED')).transferId).toBe('tr-4');
    expect((await alice.peer.next('TRANSFER_CANCELLED')).transferId).toBe('tr-4');
  });
});
