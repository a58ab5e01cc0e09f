import { afterAll, it } from 'vitest';
import { parseFromDaemon } from '@ferry/common';
import type WebSocket from 'ws';
import type { SimplePeerLink } from '../../common/src/transport/simple-peer-channel';
import { closeAll, pick, room, type Member } from '../../signaling/test/helpers';
import { cleanupWebrtc } from '../src/wrtc';
import { nodeLink, opened } from './support/links';
const t0 = performance.now();
const log = (...a: unknown[]) => console.log((performance.now() - t0).toFixed(1), ...a);
function textOf(raw: WebSocket.RawData): string {
  if (Array.isArray(raw)) return Buffer.concat(raw).toString('utf8');
  return (Buffer.isBuffer(raw) ? raw : Buffer.from(raw)).toString('utf8');
}
function linkThroughDaemon(self: Member, remote: Member, initiator: boolean, name: string): SimplePeerLink {
  const link = nodeLink(initiator, (data) => { log(name, 'send', (data as {type: string}).type); self.peer.send({ type: 'SIGNAL', to: remote.publicId, data }); });
  self.peer.ws.on('message', (raw) => {
    const parsed = parseFromDaemon(textOf(raw));
    if (parsed.ok && parsed.message.type === 'SIGNAL') { log(name, 'recv', (parsed.message.data as {type: string}).type); link.signal(parsed.message.data); }
  });
  link.channel.onClose((e) => log(name, 'closed', e?.message));
  return link;
}
afterAll(async () => { await closeAll(); cleanupWebrtc(); });
it('race', async () => {
  for (let i = 0; i < 40; i++) {
    const started = await room(['asker']);
    const client = pick(started.clients, 0);
    const a = linkThroughDaemon(client, started.master, false, `A${i}`);
    const o = linkThroughDaemon(started.master, client, true, `O${i}`);
    try { await Promise.all([opened(o.channel), opened(a.channel)]); log('ok', i); } catch (e) { log('FAIL', i, (e as Error).message); }
    a.destroy(); o.destroy();
    await closeAll();
  }
}, 120_000);
