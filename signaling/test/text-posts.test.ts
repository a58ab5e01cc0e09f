import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { limits, utf8ByteCount, type FileOffer } from '@ferry/common';
import { afterEach, describe, expect, it } from 'vitest';
import {
  approve,
  approvedClient,
  closeAll,
  offer,
  registerClient,
  registerMaster,
  share,
  startTestDaemon,
} from './helpers';

// Text posts (FileOffer.text): a room entry like a file, listed, mirrored and paged the same way,
// but with nothing to download.

const folders: string[] = [];
afterEach(async () => {
  await closeAll();
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const TEXT = 'https://example.com/a?b=1\n<img src=x onerror=alert(1)>\tjavascript:alert(1)';
const textOffer = (text: string = TEXT): FileOffer =>
  offer({ name: 'Text', size: utf8ByteCount(text), mime: 'text/plain', chunkSize: limits.DEFAULT_CHUNK_BYTES, text });

describe('a text post', () => {
  it('is listed for everyone, in ROOM_STATE, mirrored across a restart, and has no chunks to ask for', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ferry-texts-'));
    folders.push(dataDir);
    const first = await startTestDaemon({ dataDir, gracePeriodMs: 60_000 });
    const master = await registerMaster(first);
    const ana = await approvedClient(first, master, 'ana');
    const cleo = await approvedClient(first, master, 'cleo');
    const [listed] = await share(master, ana, [textOffer()]);
    expect(listed).toMatchObject({ owner: ana.publicId, text: TEXT, size: utf8ByteCount(TEXT) });
    expect((await cleo.peer.next('FILES_ADDED')).files).toEqual([listed]);

    const late = await registerClient(first, 'late');
    expect((await approve(master, late)).files).toEqual([listed]);

    cleo.peer.send({
      type: 'REQUEST_CHUNK',
      reqId: 'ask-text',
      transferId: 't1',
      fileId: listed?.id,
      start: 0,
      end: 1,
    });
    const refusal = await cleo.peer.next('ERROR');
    expect(refusal).toMatchObject({ code: 'BAD_MESSAGE', reqId: 'ask-text' });
    expect(refusal.message).toMatch(/text post/);
    await ana.peer.expectNo('UPLOAD_CHUNK_REQUEST');

    await first.close();
    const second = await startTestDaemon({ dataDir });
    const masterBack = await registerMaster(second, { privateId: master.privateId });
    expect(masterBack.ack.files).toEqual([listed]);
  });

  it('refuses an oversized or malformed text as a bad message, before the host hears of it', async () => {
    const daemon = await startTestDaemon();
    const master = await registerMaster(daemon);
    const ana = await approvedClient(daemon, master, 'ana');
    const cases: Array<[string, string]> = [
      ['too-long', 't'.repeat(limits.MAX_TEXT_POST_CHARS + 1)],
      ['empty', ''],
      ['nul', 'a\u0000b'],
      ['bidi', 'a\u202eb'],
      ['cr', 'a\r\nb'],
    ];
    for (const [reqId, text] of cases) {
      ana.peer.send({ type: 'ADD_FILES', reqId, files: [{ ...textOffer('x'), text }] });
      expect(await ana.peer.next('ERROR')).toMatchObject({ code: 'BAD_MESSAGE', reqId });
    }
    ana.peer.send({ type: 'ADD_FILES', reqId: 'not-a-string', files: [{ ...textOffer('x'), text: 42 }] });
    expect(await ana.peer.next('ERROR')).toMatchObject({ code: 'BAD_MESSAGE', reqId: 'not-a-string' });
    await master.peer.expectNo('ADD_FILES');
  });
});
