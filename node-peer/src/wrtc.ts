import { cleanup } from 'node-datachannel';
import {
  RTCIceCandidate,
  RTCPeerConnection as PolyfillPeerConnection,
  RTCSessionDescription,
} from 'node-datachannel/polyfill';
import type { Options } from 'simple-peer';

/**
 * WebRTC for simple-peer in Node (its `wrtc` option): node-datachannel's polyfill, adjusted in
 * the two ways it needs (see /work/shared/TESTING.md).
 */

/** node-datachannel reads `bindAddress` from the config (the polyfill passes it through untyped). */
export type NodeRtcConfiguration = RTCConfiguration & { bindAddress?: string };
export type Wrtc = NonNullable<Options['wrtc']>;

/** Loopback only, no STUN: what tests and peers on one machine need. */
export const LOOPBACK_RTC_CONFIG: NodeRtcConfiguration = { iceServers: [], bindAddress: '127.0.0.1' };

/** A `wrtc` whose peer connections take `defaults` under whatever config simple-peer passes. */
export function createNodeWrtc(defaults: NodeRtcConfiguration): Wrtc {
  class RTCPeerConnection extends PolyfillPeerConnection {
    constructor(config: NodeRtcConfiguration = {}) {
      super({ ...defaults, ...config });
    }

    // simple-peer assigns `offer.sdp = sdpTransform(offer.sdp)`, but the polyfill's
    // RTCSessionDescription has a getter-only `sdp` ("Cannot set property sdp of
    // #<RTCSessionDescription> which has only a getter"); browsers return plain objects.
    override async createOffer(): Promise<RTCSessionDescriptionInit> {
      return plain((await super.createOffer()) as RTCSessionDescriptionInit);
    }

    override async createAnswer(): Promise<RTCSessionDescriptionInit> {
      return plain((await super.createAnswer()) as RTCSessionDescriptionInit);
    }
  }
  // simple-peer types `wrtc` as the DOM's constructors; the polyfill's implement the same instance
  // interfaces but not every DOM static signature, hence the one cast.
  return { RTCPeerConnection, RTCSessionDescription, RTCIceCandidate } as unknown as Wrtc;
}

function plain(description: RTCSessionDescriptionInit): RTCSessionDescriptionInit {
  return { type: description.type, sdp: description.sdp ?? '' };
}

/**
 * For tests and same-machine peers. Without `bindAddress` libdatachannel skips the loopback
 * interface, and with no other interface no candidate pair forms.
 */
export const nodeWrtc: Wrtc = createNodeWrtc(LOOPBACK_RTC_CONFIG);

/** Stops node-datachannel's native threads: call once, at process exit (or in a test file's afterAll). */
export function cleanupWebrtc(): void {
  cleanup();
}
