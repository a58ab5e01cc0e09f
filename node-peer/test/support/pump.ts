import { createHash, randomBytes } from 'node:crypto';
import type { PeerChannel } from '@ferry/common/transport';

/*
 * Moves bytes over a PeerChannel the way the transfer engine will: fill the send buffer up to a
 * high-water mark, then wait for `bufferedamountlow` at the low-water mark; never stop-and-wait.
 */

export interface PumpOptions {
  totalBytes: number;
  messageBytes: number;
  highWaterBytes: number;
  lowWaterBytes: number;
}

export interface PumpResult {
  sentSha256: string;
  receivedSha256: string;
  receivedBytes: number;
  maxBufferedBytes: number;
  lowEvents: number;
  elapsedMs: number;
  megabytesPerSecond: number;
}

function closedError(error: Error | undefined): Error {
  return new Error(`channel closed mid-transfer${error ? `: ${error.message}` : ''}`);
}

/** Resolves once `channel` has drained to its threshold (at once if it already has). */
function drained(channel: PeerChannel): Promise<void> {
  if (channel.bufferedAmount <= channel.bufferedAmountLowThreshold) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const offLow = channel.onBufferedAmountLow(() => {
      offLow();
      offClose();
      resolve();
    });
    const offClose = channel.onClose((error) => {
      offLow();
      offClose();
      reject(closedError(error));
    });
  });
}

function receiveAll(channel: PeerChannel, totalBytes: number): Promise<{ sha256: string; bytes: number; at: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  return new Promise((resolve, reject) => {
    const done = (): void => {
      offMessage();
      offClose();
    };
    const offMessage = channel.onMessage((data) => {
      hash.update(data);
      bytes += data.byteLength;
      if (bytes > totalBytes) {
        done();
        reject(new Error(`received ${bytes} bytes, more than the ${totalBytes} sent`));
      } else if (bytes === totalBytes) {
        done();
        resolve({ sha256: hash.digest('hex'), bytes, at: performance.now() });
      }
    });
    const offClose = channel.onClose((error) => {
      done();
      reject(closedError(error));
    });
    if (totalBytes === 0) {
      done();
      resolve({ sha256: hash.digest('hex'), bytes, at: performance.now() });
    }
  });
}

export async function pump(sender: PeerChannel, receiver: PeerChannel, options: PumpOptions): Promise<PumpResult> {
  const { totalBytes, messageBytes, highWaterBytes, lowWaterBytes } = options;
  const received = receiveAll(receiver, totalBytes);
  const hash = createHash('sha256');
  sender.bufferedAmountLowThreshold = lowWaterBytes;
  let lowEvents = 0;
  const offLow = sender.onBufferedAmountLow(() => (lowEvents += 1));
  let sent = 0;
  let maxBufferedBytes = 0;
  const started = performance.now();
  try {
    while (sent < totalBytes) {
      while (sent < totalBytes && sender.bufferedAmount < highWaterBytes) {
        const message = randomBytes(Math.min(messageBytes, totalBytes - sent));
        sender.send(message);
        hash.update(message);
        sent += message.byteLength;
        maxBufferedBytes = Math.max(maxBufferedBytes, sender.bufferedAmount);
      }
      if (sent < totalBytes) await drained(sender);
    }
    const result = await received;
    const elapsedMs = result.at - started;
    return {
      sentSha256: hash.digest('hex'),
      receivedSha256: result.sha256,
      receivedBytes: result.bytes,
      maxBufferedBytes,
      lowEvents,
      elapsedMs,
      megabytesPerSecond: totalBytes / 1e6 / (elapsedMs / 1000),
    };
  } finally {
    offLow();
  }
}
