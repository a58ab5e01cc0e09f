import { createHash, randomBytes } from 'node:crypto';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import type { Daemon } from '@ferry/signaling/daemon';
import { startDaemon } from '@ferry/signaling/daemon';
import { FerryPeer } from '../src/ferry-peer';
import { cleanupWebrtc } from '../src/wrtc';

/*
 * The transfer engine end to end in Node: the real daemon, real WebRTC (node-datachannel) or the
 * real HTTP relay, and byte-exact results checked by SHA-256.
 */

const CHUNK = 64 * 1024;
const TOKEN = 'node-transfer-token-0123456789';
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

let daemon: Daemon | null = null;
const peers: FerryPeer[] = [];

async function room(p2p: boolean, ownerDisablesP2p = false, chunkSize = CHUNK) {
  daemon = await startDaemon({ masterToken: TOKEN, p2p, host: '127.0.0.1', port: 0 });
  const master = await FerryPeer.connect({ url: daemon.url, masterToken: TOKEN, chunkSize });
  const owner = await FerryPeer.connect({ url: daemon.url, name: 'owner', chunkSize, disableP2p: ownerDisablesP2p });
  const asker = await FerryPeer.connect({ url: daemon.url, name: 'asker', chunkSize });
  peers.push(master, owner, asker);
  await master.approve(owner.publicId);
  await master.approve(asker.publicId);
  return { master, owner, asker };
}

afterEach(async () => {
  await Promise.all(peers.splice(0).map((p) => p.close()));
  await daemon?.close();
  daemon = null;
});
afterAll(() => cleanupWebrtc());

const SIZES = [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 5 * CHUNK + 17];

describe.each([
  ['P2P', true],
  ['the relay (--p2p off)', false],
])('transfers over %s', (_name, p2p) => {
  it.each(SIZES)('moves a %i-byte file byte-exact', async (size) => {
    const { owner, asker } = await room(p2p);
    const bytes = randomBytes(size);
    const file = await owner.share(`file-${size}.bin`, bytes);
    const { bytes: got, download } = await asker.download(file);
    expect(got.length).toBe(size);
    expect(sha(got)).toBe(sha(bytes));
    if (size > 0) expect(download.snapshot().route).toBe(p2p ? 'p2p' : 'relay');
  });
});

describe('large files', () => {
  it.each([
    ['P2P', true],
    ['the relay', false],
  ])(
    'moves 64 MiB over %s byte-exact, in 1 MiB chunks',
    async (name, p2p) => {
      const { owner, asker } = await room(p2p, false, 1024 * 1024);
      const bytes = randomBytes(64 * 1024 * 1024);
      const file = await owner.share('big.bin', bytes);
      const started = Date.now();
      const { bytes: got, download } = await asker.download(file);
      const seconds = (Date.now() - started) / 1000;
      expect(sha(got)).toBe(sha(bytes));
      expect(download.snapshot().route).toBe(p2p ? 'p2p' : 'relay');
      console.log(`64 MiB over ${name}: ${(64 / seconds).toFixed(1)} MiB/s`);
    },
    120_000,
  );
});

describe('fallback', () => {
  it('an owner that cannot do P2P sends by relay even when the daemon advises P2P', async () => {
    const { owner, asker } = await room(true, true);
    const bytes = randomBytes(3 * CHUNK + 5);
    const file = await owner.share('fallback.bin', bytes);
    const { bytes: got, download } = await asker.download(file);
    expect(sha(got)).toBe(sha(bytes));
    expect(download.snapshot().route).toBe('relay');
  });
});

describe('an owner that lost the file', () => {
  it.each([
    ['P2P', true],
    ['the relay', false],
  ])(
    'over %s the asker is told to wait for a re-pick, then finishes byte-exact',
    async (_name, p2p) => {
      const { owner, asker } = await room(p2p);
      const bytes = randomBytes(4 * CHUNK + 9);
      const file = await owner.share('lost.bin', bytes);
      owner.loseFile(file.id);
      const finished = asker.download(file);
      await vi.waitFor(() => expect([...asker.service.downloads.values()][0]?.status).toBe('needs-repick'), {
        timeout: 10_000,
      });
      owner.restoreFile(file.id);
      const { bytes: got } = await finished;
      expect(sha(got)).toBe(sha(bytes));
    },
    30_000,
  );
});
