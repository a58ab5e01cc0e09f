import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Connection } from '../src/connection';
import { startDaemon } from '../src/daemon';
import { StoreError } from '../src/store/room-store';
import type { PeerRow } from '../src/store/sqlite-store';
import type { RoomStore } from '../src/store/room-store';
import {
  approve,
  approvedClient,
  closeAll,
  disApprove,
  health,
  offer,
  Peer,
  registerClient,
  registerMaster,
  share,
  startTestDaemon,
  TOKEN,
  waitFor,
} from './helpers';
import type { Daemon, DaemonOptions } from './helpers';

// Guarantee 1 of issue 5, in process: a daemon started on the folder of one that stopped finds
// every identity, approval, file and the master as they were, and writes each change before it
// says so. (node-peer/test/restart.test.ts kills the real CLI with SIGKILL mid-transfer.)

const folders: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-persist-'));
  folders.push(dir);
  return dir;
}

afterEach(async () => {
  await closeAll();
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function at<T>(items: readonly T[], index: number): T {
  const item = items[index];
  if (item === undefined) throw new Error(`nothing at ${index}`);
  return item;
}

const digestOf = (privateId: string) => createHash('sha256').update(privateId, 'utf8').digest();

/** A second, read-only connection to the daemon's database: what a crash right now would leave. */
function reader(dataDir: string): Database.Database {
  const db = new Database(join(dataDir, 'ferry.sqlite'), { readonly: true });
  return db;
}

function peerRow(db: Database.Database, publicId: string): PeerRow | undefined {
  return db.prepare('SELECT * FROM peers WHERE public_id = ?').get(publicId) as PeerRow | undefined;
}

function fileIds(db: Database.Database): string[] {
  return (db.prepare('SELECT id FROM files ORDER BY rowid').all() as Array<{ id: string }>).map((r) => r.id);
}

async function restart(previous: Daemon, dataDir: string, options: Partial<DaemonOptions> = {}): Promise<Daemon> {
  await previous.close();
  return startTestDaemon({ dataDir, ...options });
}

describe('a restarted daemon finds the room as it was', () => {
  it('identities, approvals, the file list and the master come back; each resumes with its privateId', async () => {
    const dataDir = tempDir();
    const first = await startTestDaemon({ dataDir, gracePeriodMs: 60_000 });
    const master = await registerMaster(first);
    const alice = await approvedClient(first, master, 'alice');
    const bob = await approvedClient(first, master, 'bob');
    const carol = await registerClient(first, 'carol');
    const kicked = await approvedClient(first, master, 'dave');
    const aliceFiles = await share(master, alice, [
      offer({ name: 'a.txt' }),
      offer({ name: 'b.txt', path: 'docs/b.txt', sha256: 'ab'.repeat(32) }),
    ]);
    const bobFiles = await share(master, bob, [offer({ name: 'c.bin', size: 5_000_000, chunkSize: 1024 * 1024 })]);
    await share(master, kicked, [offer({ name: 'gone.txt' })]);
    await disApprove(master, kicked);
    const files = [...aliceFiles, ...bobFiles];

    const second = await restart(first, dataDir);
    expect(second.storage).toBe(join(dataDir, 'ferry.sqlite'));

    const masterBack = await registerMaster(second, { privateId: master.privateId });
    expect(masterBack.publicId).toBe(master.publicId);
    expect(masterBack.privateId).toBe(master.privateId);
    expect(masterBack.ack.files).toEqual(files);
    const byId = new Map(masterBack.ack.clients.map((c) => [c.publicId, c]));
    expect(byId.get(master.publicId)).toMatchObject({ isMaster: true, status: 'approved', online: true });
    expect(byId.get(alice.publicId)).toEqual({
      publicId: alice.publicId,
      name: 'alice',
      status: 'approved',
      online: false,
    });
    expect(byId.get(bob.publicId)).toMatchObject({ status: 'approved', online: false });
    expect(byId.get(carol.publicId)).toMatchObject({ name: 'carol', status: 'pending', online: false });
    expect(byId.get(kicked.publicId)).toMatchObject({ status: 'rejected', online: false });
    expect(byId.size).toBe(5);

    const aliceBack = await registerClient(second, 'alice', { privateId: alice.privateId });
    expect(aliceBack.ack).toMatchObject({
      publicId: alice.publicId,
      privateId: alice.privateId,
      status: 'approved',
      masterOnline: true,
    });
    const state = await aliceBack.peer.next('ROOM_STATE');
    expect(state.files).toEqual(files);
    expect(state.clients.map((c) => c.publicId).sort()).toEqual([master.publicId, alice.publicId, bob.publicId].sort());
    await masterBack.peer.next('CLIENT_RECONNECTED', { where: (m) => m.publicId === alice.publicId });

    // Still pending: the host sees it come back and can admit it now.
    const carolBack = await registerClient(second, 'carol', { privateId: carol.privateId });
    expect(carolBack.ack).toMatchObject({ publicId: carol.publicId, status: 'pending' });
    await masterBack.peer.next('CLIENT_RECONNECTED', { where: (m) => m.publicId === carol.publicId });
    await carolBack.peer.expectNo('ROOM_STATE');
    await approve(masterBack, carolBack);

    // A kicked peer stays refused: no file list, no sharing, no new identity from its privateId.
    const kickedBack = await registerClient(second, 'dave', { privateId: kicked.privateId });
    expect(kickedBack.ack).toMatchObject({ publicId: kicked.publicId, status: 'rejected' });
    kickedBack.peer.send({ type: 'ADD_FILES', reqId: 'kicked-add', files: [offer()] });
    expect((await kickedBack.peer.next('ERROR')).code).toBe('NOT_APPROVED');
    await kickedBack.peer.expectNo('ROOM_STATE');

    // Files still work as before: bob's file can be asked for once bob is back.
    const bobBack = await registerClient(second, 'bob', { privateId: bob.privateId });
    expect(bobBack.publicId).toBe(bob.publicId);
    aliceBack.peer.send({
      type: 'REQUEST_CHUNK',
      transferId: 't-after-restart',
      fileId: at(bobFiles, 0).id,
      start: 0,
      end: 2,
    });
    expect(await bobBack.peer.next('UPLOAD_CHUNK_REQUEST')).toMatchObject({
      transferId: 't-after-restart',
      from: alice.publicId,
    });
  });

  it("an unknown privateId gets a new pending identity, not someone else's", async () => {
    const dataDir = tempDir();
    const first = await startTestDaemon({ dataDir });
    const master = await registerMaster(first);
    const alice = await approvedClient(first, master, 'alice');
    const second = await restart(first, dataDir);
    const stranger = await registerClient(second, 'stranger', { privateId: alice.publicId });
    expect(stranger.ack.status).toBe('pending');
    expect(stranger.publicId).not.toBe(alice.publicId);
  });

  it('the master token is kept: a made-up one is reused after a restart; a given one replaces it', async () => {
    const dataDir = tempDir();
    const first = await startDaemon({ host: '127.0.0.1', port: 0, dataDir });
    const made = first.room.options.masterToken;
    expect(made.length).toBeGreaterThanOrEqual(32);
    await registerMaster(first, { token: made });
    await first.close();
    const second = await startDaemon({ host: '127.0.0.1', port: 0, dataDir });
    expect(second.room.options.masterToken).toBe(made);
    await registerMaster(second, { token: made });
    await second.close();
    const third = await startDaemon({
      host: '127.0.0.1',
      port: 0,
      dataDir,
      masterToken: 'given-token-0123456789abcdef',
    });
    const refused = await Peer.connect(third);
    refused.send({ type: 'MASTER_APP_REGISTER', token: made });
    expect((await refused.next('ERROR')).code).toBe('BAD_TOKEN');
    await third.close();
    const fourth = await startTestDaemon({ dataDir, masterToken: '' });
    expect(fourth.room.options.masterToken).toBe('given-token-0123456789abcdef');
  });

  it('without a data folder the room lives in memory: a new daemon starts empty', async () => {
    const first = await startTestDaemon();
    expect(first.storage).toBe('memory');
    const master = await registerMaster(first);
    await approvedClient(first, master, 'alice');
    await first.close();
    const second = await startTestDaemon();
    const back = await registerMaster(second, { privateId: master.privateId });
    expect(back.publicId).not.toBe(master.publicId);
    expect(back.ack.clients).toHaveLength(1);
  });

  it('the grace period starts at boot: files of a peer who never returns go, a pending peer is forgotten', async () => {
    const dataDir = tempDir();
    const first = await startTestDaemon({ dataDir, gracePeriodMs: 60_000 });
    const master = await registerMaster(first);
    const alice = await approvedClient(first, master, 'alice');
    const [file] = await share(master, alice);
    const carol = await registerClient(first, 'carol');
    expect(file).toBeDefined();
    const second = await restart(first, dataDir, { gracePeriodMs: 200 });
    // Nobody comes back: the grace period that started at boot runs out.
    await waitFor(async () => {
      const h = await health(second);
      return h['files'] === 0 && h['peers'] === 2;
    });
    const db = reader(dataDir);
    try {
      expect(fileIds(db)).toEqual([]);
      expect(peerRow(db, carol.publicId)).toBeUndefined();
      // An admitted identity stays: alice comes back approved, with nothing listed.
      expect(peerRow(db, alice.publicId)?.status).toBe('approved');
    } finally {
      db.close();
    }
    const aliceBack = await registerClient(second, 'alice', { privateId: alice.privateId });
    expect(aliceBack.ack.status).toBe('approved');
    expect((await aliceBack.peer.next('ROOM_STATE')).files).toEqual([]);
    const back = await registerMaster(second, { privateId: master.privateId });
    expect(back.ack.clients.map((c) => c.publicId).sort()).toEqual([master.publicId, alice.publicId].sort());
  });
});

describe('written before acknowledged', () => {
  /**
   * Each change must be in the database (a) before the daemon hands the frame that announces it to
   * a socket, checked on the order of calls, and (b) for good, checked from a second connection
   * to the file: a crash right after the frame leaves the change on disk.
   */
  function recordOrder(store: RoomStore): () => string[] {
    const methods = ['savePeer', 'deletePeer', 'putFiles', 'deleteFile', 'deleteFilesOf', 'setMasterToken'] as const;
    const writes = methods.map((name) => ({ name, spy: vi.spyOn(store, name) }));
    const sends = vi.spyOn(Connection.prototype, 'sendText');
    // Spies call through; vitest numbers every call of every spy in one global order.
    return () => {
      const events: Array<[number, string]> = [];
      for (const { name, spy } of writes)
        for (const order of spy.mock.invocationCallOrder) events.push([order, `write ${name}`]);
      sends.mock.calls.forEach(([text], i) => {
        events.push([
          sends.mock.invocationCallOrder[i] ?? 0,
          `send ${(JSON.parse(String(text)) as { type: string }).type}`,
        ]);
      });
      return events.sort((a, b) => a[0] - b[0]).map(([, event]) => event);
    };
  }
  afterEach(() => {
    vi.restoreAllMocks();
  });

  /** The first `write` comes before the first `send` in what happened since `from`. */
  function expectWrittenBefore(events: () => string[], from: number, write: string, send: string): void {
    const since = events().slice(from);
    const w = since.indexOf(`write ${write}`);
    const s = since.indexOf(`send ${send}`);
    expect(w, `${write} in ${since.join(', ')}`).toBeGreaterThanOrEqual(0);
    expect(s, `${send} in ${since.join(', ')}`).toBeGreaterThanOrEqual(0);
    expect(w, `${write} before ${send} in ${since.join(', ')}`).toBeLessThan(s);
  }

  it("registration, approval, files, removal, rejection, leaving and the master's name", async () => {
    const dataDir = tempDir();
    const daemon = await startTestDaemon({ dataDir });
    const events = recordOrder(daemon.room.store);
    const db = reader(dataDir);
    try {
      let mark = events().length;
      const master = await registerMaster(daemon);
      expectWrittenBefore(events, mark, 'savePeer', 'MASTER_APP_REGISTER_ACK');
      expect(peerRow(db, master.publicId)).toMatchObject({ is_master: 1, status: 'approved', name: 'Host' });
      expect(peerRow(db, master.publicId)?.private_digest.equals(digestOf(master.privateId))).toBe(true);

      mark = events().length;
      const alice = await registerClient(daemon, 'alice');
      expectWrittenBefore(events, mark, 'savePeer', 'CLIENT_REGISTER_ACK');
      expect(peerRow(db, alice.publicId)).toMatchObject({ name: 'alice', status: 'pending', is_master: 0 });
      expect(peerRow(db, alice.publicId)?.private_digest.equals(digestOf(alice.privateId))).toBe(true);
      // Only the digest is stored, never the secret.
      expect(readFileSync(join(dataDir, 'ferry.sqlite')).includes(alice.privateId)).toBe(false);

      mark = events().length;
      await approve(master, alice);
      expectWrittenBefore(events, mark, 'savePeer', 'CLIENT_APPROVED');
      expect(peerRow(db, alice.publicId)?.status).toBe('approved');

      mark = events().length;
      const files = await share(master, alice, [offer(), offer(), offer()]);
      expectWrittenBefore(events, mark, 'putFiles', 'FILES_ADDED');
      expect(fileIds(db)).toEqual(files.map((f) => f.id));
      const stored = db.prepare('SELECT owner, info FROM files WHERE id = ?').get(at(files, 0).id) as {
        owner: string;
        info: string;
      };
      expect(stored.owner).toBe(alice.publicId);
      expect(JSON.parse(stored.info)).toEqual(at(files, 0));

      mark = events().length;
      alice.peer.send({ type: 'REMOVE_FILE', reqId: 'rm', fileId: at(files, 1).id });
      const forwarded = await master.peer.next('REMOVE_FILE');
      master.peer.send({ type: 'FILE_REMOVED', reqId: forwarded.reqId, fileId: forwarded.fileId });
      await alice.peer.next('FILE_REMOVED', { where: (m) => m.fileId === forwarded.fileId });
      expectWrittenBefore(events, mark, 'deleteFile', 'FILE_REMOVED');
      expect(fileIds(db)).toEqual([at(files, 0).id, at(files, 2).id]);

      mark = events().length;
      await disApprove(master, alice);
      expectWrittenBefore(events, mark, 'savePeer', 'CLIENT_DIS_APPROVED');
      expectWrittenBefore(events, mark, 'deleteFilesOf', 'FILE_REMOVED');
      expect(peerRow(db, alice.publicId)?.status).toBe('rejected');
      expect(fileIds(db)).toEqual([]);

      const bob = await approvedClient(daemon, master, 'bob');
      await share(master, bob);
      mark = events().length;
      bob.peer.send({ type: 'LEAVE' });
      await master.peer.next('CLIENT_LEFT', { where: (m) => m.publicId === bob.publicId });
      expectWrittenBefore(events, mark, 'deleteFilesOf', 'FILE_REMOVED');
      expectWrittenBefore(events, mark, 'deletePeer', 'CLIENT_LEFT');
      expect(peerRow(db, bob.publicId)).toBeUndefined();
      expect(fileIds(db)).toEqual([]);

      // The master's new name, and a new master privateId when a tab presents only the token.
      mark = events().length;
      const renamed = await Peer.connect(daemon, 'renamed');
      await master.peer.close();
      renamed.send({ type: 'MASTER_APP_REGISTER', token: TOKEN, name: 'Hostess' });
      const ack = await renamed.next('MASTER_APP_REGISTER_ACK');
      expectWrittenBefore(events, mark, 'savePeer', 'MASTER_APP_REGISTER_ACK');
      expect(ack.privateId).not.toBe(master.privateId);
      expect(peerRow(db, master.publicId)?.name).toBe('Hostess');
      expect(peerRow(db, master.publicId)?.private_digest.equals(digestOf(ack.privateId))).toBe(true);
    } finally {
      db.close();
    }
  });

  it('a file list of 5,000 entries is one transaction, kept across a restart in its order', async () => {
    const dataDir = tempDir();
    const first = await startTestDaemon({ dataDir });
    const master = await registerMaster(first);
    const alice = await approvedClient(first, master, 'alice');
    const offers = Array.from({ length: 5000 }, (_, i) => offer({ name: `f${i}.txt` }));
    const events = recordOrder(first.room.store);
    const started = performance.now();
    const files: string[] = [];
    for (let i = 0; i < offers.length; i += 250)
      files.push(...(await share(master, alice, offers.slice(i, i + 250))).map((f) => f.id));
    const addMs = performance.now() - started;
    expect(events().filter((e) => e === 'write putFiles')).toHaveLength(20);
    const second = await restart(first, dataDir);
    const loadStarted = performance.now();
    const back = await registerMaster(second, { privateId: master.privateId });
    expect(back.ack.files.map((f) => f.id)).toEqual(files);
    console.log(
      `5,000 files: listed in ${addMs.toFixed(0)} ms over 20 ADD_FILES; restart + master ACK ${(performance.now() - loadStarted).toFixed(0)} ms`,
    );
  });
});

describe('one daemon per room, and a database it cannot read is left alone', () => {
  it('a second daemon on the same folder is refused while the first runs, and starts once it stopped', async () => {
    const dataDir = tempDir();
    const first = await startTestDaemon({ dataDir });
    const master = await registerMaster(first);
    const refused = startDaemon({ host: '127.0.0.1', port: 0, dataDir, masterToken: TOKEN });
    await expect(refused).rejects.toBeInstanceOf(StoreError);
    await expect(refused).rejects.toMatchObject({
      code: 'locked',
      message: expect.stringContaining(dataDir) as unknown,
    });
    // The refused one changed nothing: the first keeps serving.
    expect((await registerClient(first, 'alice')).ack.status).toBe('pending');
    const second = await restart(first, dataDir);
    expect((await registerMaster(second, { privateId: master.privateId })).publicId).toBe(master.publicId);
  });

  it('a damaged database file is named in the error and not touched', async () => {
    const dataDir = tempDir();
    const file = join(dataDir, 'ferry.sqlite');
    const garbage = Buffer.from('this is not an SQLite database '.repeat(200));
    writeFileSync(file, garbage);
    const start = startDaemon({ host: '127.0.0.1', port: 0, dataDir, masterToken: TOKEN });
    await expect(start).rejects.toMatchObject({
      code: 'unreadable',
      message: expect.stringContaining(file) as unknown,
    });
    expect(readFileSync(file).equals(garbage)).toBe(true);
    // The lock was let go: after the file is fixed (here: removed), the room starts.
    rmSync(file);
    const daemon = await startTestDaemon({ dataDir });
    expect(daemon.storage).toBe(file);
  });

  it("a database from a newer Ferry, or another program's, is refused and left as it is", async () => {
    const newer = tempDir();
    const db = new Database(join(newer, 'ferry.sqlite'));
    db.pragma('user_version = 99');
    db.close();
    await expect(startDaemon({ port: 0, dataDir: newer, masterToken: TOKEN })).rejects.toMatchObject({ code: 'newer' });
    const foreign = tempDir();
    const other = new Database(join(foreign, 'ferry.sqlite'));
    other.exec('CREATE TABLE notes (text TEXT)');
    other.close();
    await expect(startDaemon({ port: 0, dataDir: foreign, masterToken: TOKEN })).rejects.toMatchObject({
      code: 'foreign',
    });
    const check = new Database(join(foreign, 'ferry.sqlite'), { readonly: true });
    expect(check.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all()).toEqual([{ name: 'notes' }]);
    check.close();
  });
});
