import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { parseFromDaemon } from '@ferry/common';
import type { SimplePeerLink } from '@ferry/common/transport';
import { closeAll, pick, room, type Member } from '@ferry/signaling/test/helpers';
import { cleanupWebrtc } from '../src/wrtc';
import { nodeLink, opened } from './support/links';
import { pump } from './support/pump';

/*
 * The same link set-up, but every signal goes through the real daemon (PROTOCOL.md flow 7): each
 * side sends SIGNAL {to, data} and feeds the SIGNAL {from, data} it receives into its link.
 */

const MiB = 1024 * 1024;
const links: SimplePeerLink[] = [];

/** A link for `self` to `remote`, its signals carried by the daemon. */
function linkThroughDaemon(self: Member, remote: Member, initiator: boolean): SimplePeerLink {
  const link = nodeLink(initiator, (data) => self.peer.send({ type: 'SIGNAL', to: remote.publicId, data }));
  self.peer.ws.on('message', (raw, isBinary) => {
    if (isBinary) return;
    const parsed = parseFromDaemon(textOf(raw));
    if (parsed.ok && parsed.message.type === 'SIGNAL' && parsed.message.from === remote.publicId) {
      link.signal(parsed.message.data);
    }
  });
  links.push(link);
  return link;
}

function textOf(raw: WebSocket.RawData): string {
  if (Array.isArray(raw)) return Buffer.concat(raw).toString('utf8');
  return (Buffer.isBuffer(raw) ? raw : Buffer.from(raw)).toString('utf8');
}

function errorsSeenBy(member: Member): string[] {
  return member.peer.frames.filter((frame) => frame.includes('"ERROR"'));
}

describe('simple-peer link signalled through the real daemon', () => {
  let master: Member;
  let client: Member;
  let owner: SimplePeerLink;
  let asker: SimplePeerLink;

  beforeAll(async () => {
    const started = await room(['asker']);
    master = started.master;
    client = pick(started.clients, 0);
    // The answerer exists before the offer can arrive.
    asker = linkThroughDaemon(client, master, false);
    owner = linkThroughDaemon(master, client, true);
  });

  afterAll(async () => {
    for (const link of links) link.destroy();
    await closeAll();
    cleanupWebrtc();
  });

  it('opens with only SIGNAL messages between master and approved client', async () => {
    await Promise.all([opened(owner.channel), opened(asker.channel)]);
    const signalsTo = (member: Member) => member.peer.frames.filter((frame) => frame.includes('"SIGNAL"')).length;
    expect(signalsTo(client)).toBeGreaterThanOrEqual(2); // offer and at least one candidate
    expect(signalsTo(master)).toBeGreaterThanOrEqual(2); // answer and at least one candidate
    expect(errorsSeenBy(master)).toEqual([]);
    expect(errorsSeenBy(client)).toEqual([]);
  });

  it('moves 16 MiB owner -> asker byte-exact', async () => {
    const result = await pump(owner.channel, asker.channel, {
      totalBytes: 16 * MiB,
      messageBytes: 64 * 1024,
      highWaterBytes: 1 * MiB,
      lowWaterBytes: 256 * 1024,
    });
    console.log(`16 MiB signalled through the daemon: ${result.megabytesPerSecond.toFixed(1)} MB/s`);
    expect(result.receivedBytes).toBe(16 * MiB);
    expect(result.receivedSha256).toBe(result.sentSha256);
    expect(result.maxBufferedBytes).toBeLessThanOrEqual(4 * MiB);
  });
});
