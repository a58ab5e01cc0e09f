import { limits } from '@ferry/common';
import { afterEach, describe, expect, it } from 'vitest';
import { closeAll, offer, room, share } from './helpers';

// Empty folders of a shared folder (FileOffer.folder): listed like a file of the folder, with
// nothing to download.

afterEach(closeAll);

describe('an empty folder entry', () => {
  it('is listed for everyone with its folder, and has no chunks to ask for', async () => {
    const { master, clients } = await room(['ana', 'cleo']);
    const [ana, cleo] = clients;
    if (!ana || !cleo) throw new Error('room of two');
    const batch = { id: 'batch-trip', count: 2 };
    const listed = await share(master, ana, [
      offer({ name: 'a.txt', size: 3, path: 'trip/a.txt', batch }),
      offer({
        name: 'empty',
        size: 0,
        path: 'trip/empty',
        folder: true,
        mime: undefined,
        chunkSize: limits.DEFAULT_CHUNK_BYTES,
        batch,
      }),
    ]);
    const folder = listed.find((file) => file.folder === true);
    expect(folder).toMatchObject({ owner: ana.publicId, path: 'trip/empty', size: 0, batch });
    expect((await cleo.peer.next('FILES_ADDED')).files).toEqual(listed);

    cleo.peer.send({
      type: 'REQUEST_CHUNK',
      reqId: 'ask-folder',
      transferId: 't1',
      fileId: folder?.id,
      start: 0,
      end: 1,
    });
    const refusal = await cleo.peer.next('ERROR');
    expect(refusal).toMatchObject({ code: 'BAD_MESSAGE', reqId: 'ask-folder' });
    expect(refusal.message).toMatch(/empty folder/);
    await ana.peer.expectNo('UPLOAD_CHUNK_REQUEST');
  });

  it('is refused by the schema when it says anything but `true`', async () => {
    const { clients } = await room(['ana']);
    const [ana] = clients;
    ana?.peer.send({
      type: 'ADD_FILES',
      reqId: 'odd',
      files: [offer({ size: 0, path: 'x/y', folder: false as unknown as true })],
    });
    expect(await ana?.peer.next('ERROR')).toMatchObject({ code: 'BAD_MESSAGE', reqId: 'odd' });
  });
});
