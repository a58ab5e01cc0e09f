import SimplePeer from 'simple-peer';
import { createSimplePeerLink, type SimplePeerLink } from '@ferry/common/transport';
import type { PeerChannel } from '@ferry/common/transport';
import { nodeWrtc } from '../../src/wrtc';

/** A link over real node-datachannel WebRTC; `sendSignal` is wired by the caller. */
export function nodeLink(initiator: boolean, sendSignal: (data: unknown) => void): SimplePeerLink {
  return createSimplePeerLink({
    SimplePeer,
    initiator,
    wrtc: nodeWrtc,
    config: { iceServers: [] },
    sendSignal,
    channelName: 'ferry-test',
  });
}

export function opened(channel: PeerChannel, timeoutMs = 10_000): Promise<void> {
  if (channel.state === 'open') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`channel not open within ${timeoutMs} ms`)), timeoutMs);
    const finish = (error?: Error): void => {
      clearTimeout(timer);
      offOpen();
      offClose();
      if (error) reject(error);
      else resolve();
    };
    const offOpen = channel.onOpen(() => finish());
    const offClose = channel.onClose((error) => finish(error ?? new Error('channel closed before opening')));
  });
}

export function closed(channel: PeerChannel): Promise<Error | undefined> {
  if (channel.state === 'closed') return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const off = channel.onClose((error) => {
      off();
      resolve(error);
    });
  });
}

export function nextMessage(channel: PeerChannel): Promise<Uint8Array> {
  return new Promise((resolve) => {
    const off = channel.onMessage((data) => {
      off();
      resolve(data);
    });
  });
}
