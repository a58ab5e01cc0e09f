import type { BrowserContext, Page } from 'playwright-core';
import { limits } from '@ferry/common';
import { DEFAULT_UPLOAD_TUNING } from '@ferry/common/transfer';
import type { BareServer } from './bare-server';

// The ceilings the browser items compare against, measured between the same two contexts in the
// same run: what the browser itself can move, with none of Ferry's work.

const MIB = 1024 * 1024;

interface BenchWindow {
  benchPc?: RTCPeerConnection;
  benchChannel?: RTCDataChannel;
  benchReceived?: Promise<number>;
}

declare global {
  interface Window {
    ferryBench?: BenchWindow;
  }
}

async function pageAt(context: BrowserContext, server: BareServer): Promise<Page> {
  // Chrome lists network interfaces for ICE only after a media permission (see docs/TESTING.md).
  await context.grantPermissions(['camera', 'microphone'], { origin: server.url });
  const page = await context.newPage();
  await page.goto(`${server.url}/`);
  return page;
}

/** Creates the peer connection (the offerer also its channel) and returns its complete SDP. */
function describe(page: Page, isOfferer: boolean, remoteSdp: string | null): Promise<string> {
  return page.evaluate(
    async ({ isOfferer, remoteSdp }) => {
      const bench: BenchWindow = (window.ferryBench ??= {});
      const pc = (bench.benchPc ??= new RTCPeerConnection({ iceServers: [] }));
      if (isOfferer && remoteSdp === null) {
        // As simple-peer makes Ferry's: one ordered, reliable channel.
        bench.benchChannel = pc.createDataChannel('bench');
        await pc.setLocalDescription(await pc.createOffer());
      } else if (isOfferer && remoteSdp !== null) {
        await pc.setRemoteDescription({ type: 'answer', sdp: remoteSdp });
        return '';
      } else {
        pc.ondatachannel = (event) => {
          bench.benchChannel = event.channel;
        };
        await pc.setRemoteDescription({ type: 'offer', sdp: remoteSdp ?? '' });
        await pc.setLocalDescription(await pc.createAnswer());
      }
      // No trickle: the whole SDP once gathering ends (loopback only, so that is quick).
      while (pc.iceGatheringState !== 'complete') await new Promise((resolve) => setTimeout(resolve, 20));
      return pc.localDescription?.sdp ?? '';
    },
    { isOfferer, remoteSdp },
  );
}

function waitOpen(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const bench: BenchWindow = window.ferryBench ?? {};
    while (bench.benchChannel?.readyState !== 'open') await new Promise((resolve) => setTimeout(resolve, 20));
    bench.benchChannel.binaryType = 'arraybuffer';
    return bench.benchPc?.sctp?.maxMessageSize ?? 0;
  });
}

/**
 * A raw RTCDataChannel from `from` to `to`: messages of the engine's size, backpressure by
 * `bufferedamountlow` with the engine's water marks. MiB/s from the first send to the last byte
 * received, as seen from here.
 */
export async function rawChannelMiBps(
  from: BrowserContext,
  to: BrowserContext,
  server: BareServer,
  totalBytes: number,
): Promise<number> {
  const sender = await pageAt(from, server);
  const receiver = await pageAt(to, server);
  try {
    const offer = await describe(sender, true, null);
    const answer = await describe(receiver, false, offer);
    await describe(sender, true, answer);
    const [maxMessageSize] = await Promise.all([waitOpen(sender), waitOpen(receiver)]);
    const tuning = DEFAULT_UPLOAD_TUNING;
    const messageBytes = Math.min(tuning.maxMessageBytes, maxMessageSize > 0 ? maxMessageSize : tuning.maxMessageBytes);
    await receiver.evaluate((total) => {
      const bench: BenchWindow = window.ferryBench ?? {};
      const channel = bench.benchChannel;
      bench.benchReceived = new Promise((resolve) => {
        let received = 0;
        channel?.addEventListener('message', (event: MessageEvent<ArrayBuffer>) => {
          received += event.data.byteLength;
          if (received >= total) resolve(received);
        });
      });
    }, totalBytes);
    const started = performance.now();
    const [, received] = await Promise.all([
      sender.evaluate(
        async ({ total, messageBytes, highWaterBytes, lowWaterBytes }) => {
          const channel = window.ferryBench?.benchChannel;
          if (!channel) throw new Error('no channel');
          const message = new Uint8Array(messageBytes);
          // getRandomValues fills at most 64 KiB per call.
          for (let at = 0; at < messageBytes; at += 65_536) crypto.getRandomValues(message.subarray(at, at + 65_536));
          channel.bufferedAmountLowThreshold = lowWaterBytes;
          for (let sent = 0; sent < total;) {
            if (channel.bufferedAmount > highWaterBytes) {
              await new Promise((resolve) => channel.addEventListener('bufferedamountlow', resolve, { once: true }));
            }
            const size = Math.min(messageBytes, total - sent);
            channel.send(size === messageBytes ? message : message.subarray(0, size));
            sent += size;
          }
        },
        { total: totalBytes, messageBytes, highWaterBytes: tuning.highWaterBytes, lowWaterBytes: tuning.lowWaterBytes },
      ),
      receiver.evaluate(() => window.ferryBench?.benchReceived ?? Promise.resolve(0)),
    ]);
    const seconds = (performance.now() - started) / 1000;
    if (received !== totalBytes) throw new Error(`raw channel: received ${received} of ${totalBytes} bytes`);
    return totalBytes / MIB / seconds;
  } finally {
    await Promise.all([sender.close(), receiver.close()]);
  }
}

/**
 * Raw HTTP relay: the sender page PUTs chunk i (a Blob body, as the app does) to the bare
 * server, the receiver page GETs it; the server holds one chunk at a time, so the two pages run in
 * lockstep one chunk apart. Chunks are the app's size.
 */
export async function rawRelayMiBps(
  from: BrowserContext,
  to: BrowserContext,
  server: BareServer,
  totalBytes: number,
): Promise<number> {
  const sender = await pageAt(from, server);
  const receiver = await pageAt(to, server);
  const chunkBytes = limits.DEFAULT_CHUNK_BYTES;
  try {
    const started = performance.now();
    const [, received] = await Promise.all([
      sender.evaluate(
        async ({ total, chunkBytes }) => {
          const chunk = new Uint8Array(chunkBytes);
          for (let at = 0; at < chunkBytes; at += 65_536) crypto.getRandomValues(chunk.subarray(at, at + 65_536));
          for (let index = 0; index * chunkBytes < total; index++) {
            const size = Math.min(chunkBytes, total - index * chunkBytes);
            const response = await fetch(`/chunk/${index}`, {
              method: 'PUT',
              body: new Blob([chunk.subarray(0, size)]),
              headers: { 'Content-Type': 'application/octet-stream' },
            });
            await response.arrayBuffer();
          }
        },
        { total: totalBytes, chunkBytes },
      ),
      receiver.evaluate(
        async ({ total, chunkBytes }) => {
          let received = 0;
          for (let index = 0; index * chunkBytes < total; index++) {
            const response = await fetch(`/chunk/${index}`, { cache: 'no-store' });
            received += (await response.arrayBuffer()).byteLength;
          }
          return received;
        },
        { total: totalBytes, chunkBytes },
      ),
    ]);
    const seconds = (performance.now() - started) / 1000;
    if (received !== totalBytes) throw new Error(`raw relay: received ${received} of ${totalBytes} bytes`);
    return totalBytes / MIB / seconds;
  } finally {
    await Promise.all([sender.close(), receiver.close()]);
  }
}
