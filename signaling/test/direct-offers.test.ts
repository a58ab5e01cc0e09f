import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { closeAll, offer, pick, registerClient, room, share } from './helpers';

// A direct offer (FileOffer.to): only its owner, its recipient and the master ever hear of it,
// and only its recipient may fetch it (PROTOCOL.md §9.4, §9.5).

afterEach(closeAll);

async function directRoom() {
  const { daemon, master, clients } = await room(['ana', 'bo', 'cleo']);
  const [ana, bo, cleo] = [pick(clients, 0), pick(clients, 1), pick(clients, 2)];
  return { daemon, master, ana, bo, cleo };
}

describe('direct offers', () => {
  it('FILES_ADDED carries a direct entry to its owner, recipient and master only', async () => {
    const { master, ana, bo, cleo } = await directRoom();
    const posted = offer({ name: 'for everyone.txt' });
    const direct = offer({ name: 'report.pdf', to: cleo.publicId });
    const seenByAna = await share(master, ana, [posted, direct]);
    expect(seenByAna.map((f) => f.id)).toEqual([posted.id, direct.id]);
    for (const peer of [cleo.peer, master.peer]) {
      expect((await peer.next('FILES_ADDED')).files.map((f) => f.id)).toEqual([posted.id, direct.id]);
    }
    const seenByBo = await bo.peer.next('FILES_ADDED');
    expect(seenByBo.files.map((f) => f.id)).toEqual([posted.id]);
    expect(bo.peer.frames.join('\n')).not.toContain(direct.id);
    expect(bo.peer.frames.join('\n')).not.toContain('report.pdf');
  });

  it('ROOM_STATE after a reconnect holds the direct entry for the recipient, never for a third peer', async () => {
    const { daemon, master, ana, bo, cleo } = await directRoom();
    const direct = offer({ name: 'report.pdf', to: cleo.publicId });
    await share(master, ana, [direct, offer({ name: 'public.txt' })]);
    await bo.peer.close();
    await cleo.peer.close();
    const boAgain = await registerClient(daemon, 'bo', { privateId: bo.privateId });
    const cleoAgain = await registerClient(daemon, 'cleo', { privateId: cleo.privateId });
    const boState = await boAgain.peer.next('ROOM_STATE');
    const cleoState = await cleoAgain.peer.next('ROOM_STATE');
    expect(boState.files.map((f) => f.name)).toEqual(['public.txt']);
    expect(cleoState.files.map((f) => f.name).sort()).toEqual(['public.txt', 'report.pdf']);
    expect(boAgain.peer.frames.join('\n')).not.toContain(direct.id);
  });

  it('only the recipient may REQUEST_CHUNK it; a third peer gets NO_SUCH_FILE as for an unknown id', async () => {
    const { master, ana, bo, cleo } = await directRoom();
    const [file] = await share(master, ana, [offer({ size: 8, chunkSize: 4, to: cleo.publicId })]);
    if (!file) throw new Error('no file');
    bo.peer.send({ type: 'REQUEST_CHUNK', reqId: 'r1', transferId: randomUUID(), fileId: file.id, start: 0, end: 1 });
    const refused = await bo.peer.next('ERROR');
    bo.peer.send({
      type: 'REQUEST_CHUNK',
      reqId: 'r2',
      transferId: randomUUID(),
      fileId: randomUUID(),
      start: 0,
      end: 1,
    });
    const unknown = await bo.peer.next('ERROR');
    expect({ ...refused, reqId: 'same' }).toEqual({ ...unknown, reqId: 'same' });
    expect(refused.code).toBe('NO_SUCH_FILE');
    await ana.peer.expectNo('UPLOAD_CHUNK_REQUEST');
    cleo.peer.send({ type: 'REQUEST_CHUNK', transferId: randomUUID(), fileId: file.id, start: 0, end: 2 });
    expect((await ana.peer.next('UPLOAD_CHUNK_REQUEST')).from).toBe(cleo.publicId);
  });

  it('the recipient declines by REMOVE_FILE; FILE_REMOVED reaches owner, recipient and master, not the third', async () => {
    const { master, ana, bo, cleo } = await directRoom();
    const [file] = await share(master, ana, [offer({ to: cleo.publicId })]);
    if (!file) throw new Error('no file');
    bo.peer.send({ type: 'REMOVE_FILE', reqId: 'bo-rm', fileId: file.id });
    expect((await bo.peer.next('ERROR')).code).toBe('NO_SUCH_FILE');
    cleo.peer.send({ type: 'REMOVE_FILE', reqId: 'decline', fileId: file.id });
    const forwarded = await master.peer.next('REMOVE_FILE');
    expect(forwarded).toMatchObject({ by: cleo.publicId, owner: ana.publicId, fileId: file.id });
    master.peer.send({ type: 'FILE_REMOVED', reqId: 'decline', fileId: file.id });
    for (const peer of [ana.peer, cleo.peer, master.peer]) {
      expect((await peer.next('FILE_REMOVED')).fileId).toBe(file.id);
    }
    await bo.peer.expectNo('FILE_REMOVED');
  });

  it('a direct entry goes when its recipient leaves the room', async () => {
    const { master, ana, bo, cleo } = await directRoom();
    const [file] = await share(master, ana, [offer({ to: cleo.publicId })]);
    if (!file) throw new Error('no file');
    cleo.peer.send({ type: 'LEAVE' });
    expect((await ana.peer.next('FILE_REMOVED')).fileId).toBe(file.id);
    await bo.peer.expectNo('FILE_REMOVED');
  });
});
