import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { closeAll, disApprove, health, offer, pick, relay, room, share, waitFor, type DaemonOptions } from './helpers';

// The HTTP relay and /healthz. The file is 10 bytes in chunks of 4: lengths 4, 4 and 2.

afterEach(closeAll);

const bytes = (...values: number[]) => new Uint8Array(values);

async function transfer(options: Partial<DaemonOptions> = {}, range: [number, number] = [0, 3]) {
  const { daemon, master, clients } = await room(['alice', 'bob', 'carol'], { p2p: false, ...options });
  const [alice, bob, carol] = [pick(clients, 0), pick(clients, 1), pick(clients, 2)];
  const [file] = await share(master, alice, [offer({ size: 10, chunkSize: 4 })]);
  if (!file) throw new Error('no file');
  const transferId = randomUUID();
  bob.peer.send({ type: 'REQUEST_CHUNK', transferId, fileId: file.id, start: range[0], end: range[1] });
  await alice.peer.next('UPLOAD_CHUNK_REQUEST');
  const path = (index: number) => `/relay/${transferId}/${index}`;
  return { daemon, master, alice, bob, carol, file, transferId, path };
}

describe('HTTP relay', () => {
  it('PUT by the owner -> CHUNK_READY to the asker -> GET by the asker; the chunk is deleted once fetched', async () => {
    const { daemon, master, alice, bob, carol, file, transferId, path } = await transfer();
    const put = await relay(daemon, 'PUT', path(0), { privateId: alice.privateId, body: bytes(1, 2, 3, 4) });
    expect(put.status).toBe(201);
    expect(await bob.peer.next('CHUNK_READY')).toEqual({ type: 'CHUNK_READY', transferId, fileId: file.id, index: 0 });
    await Promise.all([
      alice.peer.expectNo('CHUNK_READY'),
      master.peer.expectNo('CHUNK_READY'),
      carol.peer.expectNo('CHUNK_READY'),
    ]);
    const get = await relay(daemon, 'GET', path(0), { privateId: bob.privateId });
    expect(get.status).toBe(200);
    expect(get.headers.get('content-type')).toContain('application/octet-stream');
    expect(new Uint8Array(await get.arrayBuffer())).toEqual(bytes(1, 2, 3, 4));
    expect((await relay(daemon, 'GET', path(0), { privateId: bob.privateId })).status).toBe(404);
  });

  it('takes only the exact chunk length: 413 over it, refused under it, the short last chunk fits', async () => {
    const { daemon, alice, bob, path } = await transfer();
    const over = await relay(daemon, 'PUT', path(0), { privateId: alice.privateId, body: bytes(1, 2, 3, 4, 5) });
    expect(over.status).toBe(413);
    const wayOver = await relay(daemon, 'PUT', path(1), {
      privateId: alice.privateId,
      body: new Uint8Array(2 * 1024 * 1024),
    });
    expect(wayOver.status).toBe(413);
    const under = await relay(daemon, 'PUT', path(0), { privateId: alice.privateId, body: bytes(1, 2, 3) });
    expect(under.status).toBe(400);
    const lastTooLong = await relay(daemon, 'PUT', path(2), { privateId: alice.privateId, body: bytes(1, 2, 3) });
    expect(lastTooLong.status).toBe(413);
    await bob.peer.expectNo('CHUNK_READY');
    const last = await relay(daemon, 'PUT', path(2), { privateId: alice.privateId, body: bytes(9, 10) });
    expect(last.status).toBe(201);
    expect((await bob.peer.next('CHUNK_READY')).index).toBe(2);
    const get = await relay(daemon, 'GET', path(2), { privateId: bob.privateId });
    expect(new Uint8Array(await get.arrayBuffer())).toEqual(bytes(9, 10));
  });

  it('401 without a valid privateId', async () => {
    const { daemon, alice, bob, path } = await transfer();
    const body = bytes(1, 2, 3, 4);
    expect((await relay(daemon, 'PUT', path(0), { body })).status).toBe(401);
    expect((await relay(daemon, 'PUT', path(0), { privateId: 'made-up', body })).status).toBe(401);
    expect((await relay(daemon, 'PUT', path(0), { authorization: `Basic ${alice.privateId}`, body })).status).toBe(401);
    expect((await relay(daemon, 'PUT', path(0), { privateId: alice.publicId, body })).status).toBe(401);
    expect((await relay(daemon, 'GET', path(0))).status).toBe(401);
    expect((await relay(daemon, 'GET', path(0), { privateId: bob.publicId })).status).toBe(401);
    await bob.peer.expectNo('CHUNK_READY');
  });

  it('403 for the wrong peer: only the owner PUTs, only the asker GETs', async () => {
    const { daemon, master, alice, bob, carol, path } = await transfer();
    const body = bytes(1, 2, 3, 4);
    for (const wrong of [bob, carol, master]) {
      expect((await relay(daemon, 'PUT', path(0), { privateId: wrong.privateId, body })).status).toBe(403);
    }
    await bob.peer.expectNo('CHUNK_READY');
    expect((await relay(daemon, 'PUT', path(0), { privateId: alice.privateId, body })).status).toBe(201);
    for (const wrong of [alice, carol, master]) {
      expect((await relay(daemon, 'GET', path(0), { privateId: wrong.privateId })).status).toBe(403);
    }
    // The refused GETs did not consume the chunk.
    expect((await relay(daemon, 'GET', path(0), { privateId: bob.privateId })).status).toBe(200);
  });

  it('403 for an index outside the asked range', async () => {
    const { daemon, alice, bob, path } = await transfer({}, [0, 2]);
    expect((await relay(daemon, 'PUT', path(2), { privateId: alice.privateId, body: bytes(1, 2) })).status).toBe(403);
    await bob.peer.expectNo('CHUNK_READY');
  });

  it('403 for an owner who was dis-approved since', async () => {
    const { daemon, master, alice, path } = await transfer();
    await disApprove(master, alice);
    const put = await relay(daemon, 'PUT', path(0), { privateId: alice.privateId, body: bytes(1, 2, 3, 4) });
    expect([403, 404]).toContain(put.status);
  });

  it('404 for an unknown transfer and for a chunk that is not there', async () => {
    const { daemon, alice, bob, path } = await transfer();
    const unknown = await relay(daemon, 'PUT', `/relay/${randomUUID()}/0`, {
      privateId: alice.privateId,
      body: bytes(1, 2, 3, 4),
    });
    expect(unknown.status).toBe(404);
    expect((await relay(daemon, 'GET', `/relay/${randomUUID()}/0`, { privateId: bob.privateId })).status).toBe(404);
    expect((await relay(daemon, 'GET', path(1), { privateId: bob.privateId })).status).toBe(404);
  });

  it('a cancelled transfer is forgotten with its chunks', async () => {
    const { daemon, alice, bob, transferId, path } = await transfer();
    expect((await relay(daemon, 'PUT', path(0), { privateId: alice.privateId, body: bytes(1, 2, 3, 4) })).status).toBe(
      201,
    );
    bob.peer.send({ type: 'CANCEL_TRANSFER', transferId });
    await alice.peer.next('TRANSFER_CANCELLED');
    expect((await relay(daemon, 'GET', path(0), { privateId: bob.privateId })).status).toBe(404);
    expect((await relay(daemon, 'PUT', path(1), { privateId: alice.privateId, body: bytes(1, 2, 3, 4) })).status).toBe(
      404,
    );
  });

  it('drops chunks older than the relay TTL', async () => {
    const { daemon, alice, bob, path } = await transfer({ relayTtlMs: 200 });
    expect((await relay(daemon, 'PUT', path(0), { privateId: alice.privateId, body: bytes(1, 2, 3, 4) })).status).toBe(
      201,
    );
    expect((await health(daemon))['relayBytes']).toBe(4);
    await waitFor(async () => (await health(daemon))['relayBytes'] === 0, 5_000);
    expect((await relay(daemon, 'GET', path(0), { privateId: bob.privateId })).status).toBe(404);
  });

  it('answers 507 over the quota; the owner retries once the asker fetched', async () => {
    const { daemon, alice, bob, path } = await transfer({ relayQuotaBytes: 6 });
    expect((await relay(daemon, 'PUT', path(0), { privateId: alice.privateId, body: bytes(1, 2, 3, 4) })).status).toBe(
      201,
    );
    expect((await relay(daemon, 'PUT', path(1), { privateId: alice.privateId, body: bytes(5, 6, 7, 8) })).status).toBe(
      507,
    );
    expect((await bob.peer.next('CHUNK_READY')).index).toBe(0);
    await bob.peer.expectNo('CHUNK_READY');
    expect((await relay(daemon, 'GET', path(0), { privateId: bob.privateId })).status).toBe(200);
    expect((await relay(daemon, 'PUT', path(1), { privateId: alice.privateId, body: bytes(5, 6, 7, 8) })).status).toBe(
      201,
    );
    expect((await bob.peer.next('CHUNK_READY')).index).toBe(1);
  });
});

describe('HTTP relay: more asks and per-peer bounds', () => {
  it('a second REQUEST_CHUNK on the same transferId extends the asked range', async () => {
    const { daemon, alice, bob, file, transferId, path } = await transfer({}, [0, 1]);
    expect((await relay(daemon, 'PUT', path(2), { privateId: alice.privateId, body: bytes(9, 10) })).status).toBe(403);
    bob.peer.send({ type: 'REQUEST_CHUNK', transferId, fileId: file.id, start: 2, end: 3 });
    expect(await alice.peer.next('UPLOAD_CHUNK_REQUEST')).toMatchObject({
      transferId,
      start: 2,
      end: 3,
      from: bob.publicId,
    });
    expect((await relay(daemon, 'PUT', path(2), { privateId: alice.privateId, body: bytes(9, 10) })).status).toBe(201);
    expect((await bob.peer.next('CHUNK_READY')).index).toBe(2);
  });

  it('answers 507 when one owner holds its own share of the relay', async () => {
    const { daemon, alice, bob, path } = await transfer({ relayPeerQuotaBytes: 6 });
    expect((await relay(daemon, 'PUT', path(0), { privateId: alice.privateId, body: bytes(1, 2, 3, 4) })).status).toBe(
      201,
    );
    expect((await relay(daemon, 'PUT', path(1), { privateId: alice.privateId, body: bytes(5, 6, 7, 8) })).status).toBe(
      507,
    );
    expect((await relay(daemon, 'GET', path(0), { privateId: bob.privateId })).status).toBe(200);
    expect((await relay(daemon, 'PUT', path(1), { privateId: alice.privateId, body: bytes(5, 6, 7, 8) })).status).toBe(
      201,
    );
  });
});

describe('GET /healthz', () => {
  it('answers 200 with a small JSON status', async () => {
    const { daemon } = await room(['alice']);
    const response = await fetch(`${daemon.url}/healthz`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/json');
    const status = (await response.json()) as Record<string, unknown>;
    expect(status).toMatchObject({ ok: true, masterOnline: true, files: 0, relayBytes: 0 });
    expect(status['online']).toBe(2);
    expect(JSON.stringify(status).length).toBeLessThan(1024);
  });
});
