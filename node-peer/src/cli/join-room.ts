import { isIP } from 'node:net';
import { CLOSE_CODES, personCode } from '@ferry/common';
import type { ReadChunk } from '@ferry/common/transfer';
import { FerryPeer, RegisterRefused, type FerryPeerOptions } from '../ferry-peer';
import { createNodeWrtc } from '../wrtc';
import type { CommonOptions } from './args';
import type { Reporter } from './events';
import { CliError, EXIT } from './exit-codes';
import type { IdentityStore } from './identity';
import { tlsFor } from './tls-pin';

export interface JoinDeps {
  identities: IdentityStore;
  reporter: Reporter;
  readChunk?: ReadChunk;
  onServed?: FerryPeerOptions['onServed'];
}

/** A room on this machine is reached over loopback, and so are its peers' data channels. */
const isLoopback = (host: string) =>
  host === 'localhost' || host === '[::1]' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));

/**
 * Joins the room as the person this terminal already is there (its stored privateId), or as a new
 * one, and waits until the host lets it in. Resolves with the peer, admitted; throws a CliError
 * with EXIT.notAdmitted when the host says no, EXIT.unreachable when the room cannot be reached.
 */
export async function joinRoom(options: CommonOptions, deps: JoinDeps): Promise<FerryPeer> {
  const { joinLink } = options;
  if (options.forget && (await deps.identities.forget(joinLink))) {
    deps.reporter.report({ event: 'notice', message: 'Forgot this room: you join as someone new.' });
  }
  const stored = await deps.identities.get(joinLink);
  deps.reporter.report({ event: 'connecting', room: joinLink.href });
  const peer = await connectAs(options, stored?.privateId, deps);
  await deps.identities.put(joinLink, { privateId: peer.privateId, name: peer.name });
  const resumed = stored?.privateId === peer.privateId;
  if (peer.status === 'pending') {
    deps.reporter.report({ event: 'waiting', publicId: peer.publicId, code: personCode(peer.publicId) });
  }
  await admitted(peer);
  deps.reporter.report({ event: 'admitted', publicId: peer.publicId, resumed });
  return peer;
}

/** Machine names tried, when the room has someone of that name already ("vm", "vm 2", … "vm 9"). */
const DEFAULT_NAME_TRIES = 9;

/**
 * Connects and registers: as the stored identity when there is one, else as a new person named
 * `options.name`; a default (machine) name the room has already becomes "name 2", "name 3"….
 */
async function connectAs(options: CommonOptions, privateId: string | undefined, deps: JoinDeps): Promise<FerryPeer> {
  const { joinLink } = options;
  const tls = await tlsFor(joinLink, options.fingerprint);
  for (let attempt = 1; ; attempt++) {
    const name = attempt === 1 ? options.name : `${options.name} ${attempt}`;
    try {
      return await FerryPeer.connect({
        url: `${joinLink.origin}${joinLink.pathname.replace(/\/+$/, '')}`,
        name,
        tls,
        // Binding to loopback is what lets a room on this machine work with no other network.
        wrtc: createNodeWrtc(isLoopback(joinLink.hostname) ? { bindAddress: '127.0.0.1' } : {}),
        ...(privateId === undefined ? {} : { privateId }),
        ...(deps.readChunk ? { readChunk: deps.readChunk } : {}),
        ...(deps.onServed ? { onServed: deps.onServed } : {}),
      });
    } catch (error) {
      if (error instanceof RegisterRefused && error.code === 'NAME_TAKEN') {
        if (!options.isNameGiven && attempt < DEFAULT_NAME_TRIES) continue;
        throw new CliError(EXIT.notAdmitted, `${error.message} (--name NAME)`);
      }
      if (error instanceof RegisterRefused && error.code === 'ROOM_ENDED') {
        throw new CliError(
          EXIT.notAdmitted,
          'the host ended the room this identity was in (--forget joins as someone new)',
        );
      }
      const reason = error instanceof RegisterRefused ? `the room refused: ${error.message}` : reasonOf(error);
      throw new CliError(EXIT.unreachable, `cannot reach the room at ${joinLink.href}: ${reason}`, { cause: error });
    }
  }
}

/** Resolves once the room lists our files and people (ROOM_STATE); rejects if the host says no. */
function admitted(peer: FerryPeer): Promise<void> {
  return new Promise((resolve, reject) => {
    const refuse = () => {
      stop();
      reject(new CliError(EXIT.notAdmitted, 'the host did not let you in'));
    };
    const unsubscribe = peer.subscribe((message) => {
      if (message.type === 'ROOM_STATE') {
        stop();
        resolve();
      } else if (message.type === 'CLIENT_DIS_APPROVED' && message.publicId === peer.publicId) refuse();
      else if (message.type === 'ROOM_ENDED') {
        stop();
        reject(new CliError(EXIT.notAdmitted, 'the host ended this room'));
      }
    });
    const stop = () => unsubscribe();
    if (peer.status === 'rejected') refuse();
    // Approved already (a resume): its ROOM_STATE may be in already, or is on its way.
    else if (peer.status === 'approved' && peer.hasRoomState) {
      stop();
      resolve();
    }
    peer.onClosed((code) => {
      stop();
      reject(new CliError(EXIT.notAdmitted, closeReason(code)));
    });
  });
}

export function closeReason(code: number): string {
  if (code === CLOSE_CODES.sessionReplaced) return 'this identity joined from somewhere else (another ferry command?)';
  if (code === CLOSE_CODES.roomEnded) return 'the host ended this room';
  return 'you left the room';
}

function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/ECONNREFUSED/.test(message)) return "nothing answers there (is the host's ferry running?)";
  if (/ENOTFOUND|EAI_AGAIN/.test(message)) return 'that name does not resolve';
  if (/self[- ]signed|unable to verify|certificate/i.test(message)) {
    return `${message} (a 'ferry --tls self-signed' room needs --fingerprint with the fingerprint its host printed)`;
  }
  return message;
}
