import type { ErrorCode, ToDaemon } from '@ferry/common';
import type { MasterTokenGuard } from './master-token-guard';
import type { KeyedBuckets } from './rate-limit';
import type { Room } from './room';
import { secretDigest, secretMatches } from './secrets';

/**
 * What a register must pass before its handler runs, beyond the access rules: the registration
 * rate per address (the host's choice, off by default), the wait after failed master tokens per
 * address (on by default: no honest host fails often), and the resume rate per identity (so a
 * guest reconnecting in a loop is charged once, to itself, not to each new socket's fresh bucket).
 */
export interface RegisterGate {
  readonly perAddress: KeyedBuckets;
  readonly resumesPerIdentity: KeyedBuckets;
  readonly masterTokens: MasterTokenGuard;
  /** The socket's remote address (behind a reverse proxy, every peer shares the proxy's). */
  readonly address: string;
}

/** A refused register: its ERROR, after which the socket is closed (1008). */
export interface RegisterRefusal {
  readonly code: ErrorCode;
  readonly text: string;
}

type Register = Extract<ToDaemon, { type: 'CLIENT_REGISTER' | 'MASTER_APP_REGISTER' }>;

export function checkRegister(gate: RegisterGate, room: Room, message: Register): RegisterRefusal | null {
  if (message.type === 'MASTER_APP_REGISTER') {
    const waitMs = gate.masterTokens.waitMsFor(gate.address);
    if (waitMs > 0) {
      // Not even looked at: a guesser learns nothing while it waits.
      const seconds = Math.ceil(waitMs / 1000);
      return {
        code: 'RATE_LIMITED',
        text: `too many wrong master tokens from your address; try again in ${seconds} s`,
      };
    }
    if (!gate.perAddress.take(gate.address)) {
      return { code: 'RATE_LIMITED', text: 'too many registrations from your address; wait a moment and reconnect' };
    }
    if (!secretMatches(message.token, secretDigest(room.options.masterToken))) {
      gate.masterTokens.failed(gate.address);
      return { code: 'BAD_TOKEN', text: 'the master token is not valid' };
    }
    gate.masterTokens.succeeded(gate.address);
  } else if (!gate.perAddress.take(gate.address)) {
    return { code: 'RATE_LIMITED', text: 'too many registrations from your address; wait a moment and reconnect' };
  }
  if (message.type === 'CLIENT_REGISTER' && message.privateId !== undefined) {
    const known = room.peers.findByPrivateId(message.privateId);
    if (known && !known.isMaster && !gate.resumesPerIdentity.take(known.publicId)) {
      return { code: 'RATE_LIMITED', text: 'reconnecting too often; wait a moment and reconnect' };
    }
  }
  return null;
}
