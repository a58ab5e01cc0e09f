import { cleanup } from 'node-datachannel';
import {
  RTCIceCandidate,
  RTCPeerConnection as PolyfillPeerConnection,
  RTCSessionDescription,
} from 'node-datachannel/polyfill';
import type { Options } from 'simple-peer';

/**
 * WebRTC for simple-peer in Node (its `wrtc` option): node-datachannel's polyfill, adjusted where
 * simple-peer or libdatachannel need it (see docs/TESTING.md and the comments below).
 */

/** node-datachannel reads `bindAddress` from the config (the polyfill passes it through untyped). */
export type NodeRtcConfiguration = RTCConfiguration & { bindAddress?: string };
export type Wrtc = NonNullable<Options['wrtc']>;

/** Loopback only, no STUN: what tests and peers on one machine need. */
export const LOOPBACK_RTC_CONFIG: NodeRtcConfiguration = { iceServers: [], bindAddress: '127.0.0.1' };

const CANDIDATE_LINE = /^a=(candidate:|end-of-candidates)/;

function withoutCandidates(sdp: string): string {
  return sdp
    .split('\r\n')
    .filter((line) => !CANDIDATE_LINE.test(line))
    .join('\r\n');
}

function plain(description: RTCSessionDescriptionInit): RTCSessionDescriptionInit {
  return { type: description.type, sdp: description.sdp ?? '' };
}

/** A `wrtc` whose peer connections take `defaults` under whatever config simple-peer passes. */
export function createNodeWrtc(defaults: NodeRtcConfiguration): Wrtc {
  class RTCPeerConnection extends PolyfillPeerConnection {
    /**
     * The offerer's own candidates, held (and kept out of the offer's SDP) until it has applied
     * the answer; null once released. Without this, with signaling through the daemon on a loaded
     * machine, about 1 connection in 13 failed: the answerer finished ICE from the candidates in
     * the offer while the offerer was still applying the answer, the offerer's DTLS check of the
     * answerer's certificate failed (libdatachannel checks it against the remote description's
     * fingerprint), its transports closed, and the next remote candidate threw "Got a remote
     * candidate without ICE transport". Holding them means the answerer can only reach the
     * offerer once it has the answer (0 failures in 260 since). It costs one signaling round trip.
     */
    private heldCandidates: Event[] | null = [];

    constructor(config: NodeRtcConfiguration = {}) {
      // Without bindAddress libdatachannel skips the loopback interface: no candidate on a
      // machine whose only other interfaces are down (as in the isolated test namespace).
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

    /** What simple-peer sends as the offer: without candidates while they are held. */
    override get localDescription(): globalThis.RTCSessionDescription {
      const description = super.localDescription;
      if (!this.heldCandidates || description.type !== 'offer') return description;
      return new RTCSessionDescription({ type: 'offer', sdp: withoutCandidates(description.sdp) });
    }

    override async setRemoteDescription(description: RTCSessionDescriptionInit): Promise<void> {
      await super.setRemoteDescription(description);
      const held = this.heldCandidates;
      this.heldCandidates = null;
      for (const event of held ?? []) super.dispatchEvent(event);
    }

    override dispatchEvent(event: Event): boolean {
      if (event.type === 'icecandidate' && this.heldCandidates) {
        this.heldCandidates.push(event);
        return true;
      }
      return super.dispatchEvent(event);
    }
  }
  // simple-peer types `wrtc` as the DOM's constructors; the polyfill's implement the same instance
  // interfaces but not every DOM static signature, hence the one cast.
  return { RTCPeerConnection, RTCSessionDescription, RTCIceCandidate } as unknown as Wrtc;
}

/** For tests and peers on one machine. */
export const nodeWrtc: Wrtc = createNodeWrtc(LOOPBACK_RTC_CONFIG);

/** Stops node-datachannel's native threads: call once, at process exit (or in a test file's afterAll). */
export function cleanupWebrtc(): void {
  cleanup();
}
