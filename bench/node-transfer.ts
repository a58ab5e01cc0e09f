import { randomBytes } from 'node:crypto';
import { startDaemon } from '../signaling/src/daemon';
import { FerryPeer } from '../node-peer/src/ferry-peer';
import { nodeLink, opened } from '../node-peer/test/support/links';
import { pump } from '../node-peer/test/support/pump';
import type { Figure } from './report';

const MIB = 1024 * 1024;
const TOKEN = 'bench-token';

/** Raw ceiling: two node-datachannel peers, backpressure by bufferedamountlow, nothing else. */
async function rawChannel(totalBytes: number): Promise<number> {
  let a: ReturnType<typeof nodeLink> | null = null;
  let b: ReturnType<typeof nodeLink> | null = null;
  a = nodeLink(true, (data) => b?.signal(data));
  b = nodeLink(false, (data) => a?.signal(data));
  await Promise.all([opened(a.channel), opened(b.channel)]);
  const result = await pump(a.channel, b.channel, {
    totalBytes,
    messageBytes: Math.min(a.channel.maxMessageBytes, 256 * 1024),
    highWaterBytes: 4 * MIB,
    lowWaterBytes: MIB,
  });
  a.destroy();
  b.destroy();
  return (totalBytes / MIB) / (result.elapsedMs / 1000);
}

/** The whole engine: daemon signaling, chunk requests, per-chunk and whole-file SHA-256. */
export async function appTransfer(totalBytes: number, p2p: boolean): Promise<number> {
  const daemon = await startDaemon({ masterToken: TOKEN, host: '127.0.0.1', port: 0, p2p, relayQuotaBytes: 256 * MIB });
  const master = await FerryPeer.connect({ url: daemon.url, masterToken: TOKEN });
  const owner = await FerryPeer.connect({ url: daemon.url, name: 'owner' });
  const asker = await FerryPeer.connect({ url: daemon.url, name: 'asker' });
  try {
    await master.approve(owner.publicId);
    await master.approve(asker.publicId);
    const file = await owner.share('bench.bin', randomBytes(totalBytes));
    const started = performance.now();
    await asker.download(file);
    return (totalBytes / MIB) / ((performance.now() - started) / 1000);
  } finally {
    await Promise.all([master.close(), owner.close(), asker.close()]);
    await daemon.close();
  }
}

export async function benchNode(quick: boolean): Promise<Figure> {
  const totalBytes = (quick ? 16 : 256) * MIB;
  // Interleaved runs, best of each: the machine is shared, so single runs are noisy.
  const runs = quick ? 1 : 2;
  let ceiling = 0;
  let app = 0;
  for (let i = 0; i < runs; i++) {
    ceiling = Math.max(ceiling, await rawChannel(totalBytes));
    app = Math.max(app, await appTransfer(totalBytes, true));
  }
  return { app, ceiling, ratio: app / ceiling, unit: 'MiB/s', sizeBytes: totalBytes, goal: '>= 0.9' };
}
