import { describe, expect, it } from 'vitest';
import { decideAddFiles, mayRemoveFile, mayRemoveFiles, REASONS } from '../src/authority/file-list';
import { offer, shared } from './builders';

const listed = [
  shared('f1', 'ann', 'a.txt', { size: 10 }),
  shared('f2', 'bob', 'b.txt', { path: 'docs/b.txt', size: 20 }),
];

describe('decideAddFiles', () => {
  it('accepts new files and stamps the owner', () => {
    const decision = decideAddFiles(listed, 'ann', [offer('n1', 'new.txt')]);
    expect(decision).toEqual({ files: [shared('n1', 'ann', 'new.txt')], rejected: [] });
  });

  it('rejects an id another owner holds', () => {
    expect(decideAddFiles(listed, 'ann', [offer('f2', 'b.txt', { path: 'docs/b.txt', size: 20 })])).toEqual({
      files: [],
      rejected: [{ id: 'f2', reason: REASONS.idTaken }],
    });
  });

  it('rejects the same owner, path, name and size under a new id', () => {
    expect(decideAddFiles(listed, 'bob', [offer('x', 'b.txt', { path: 'docs/b.txt', size: 20 })]).rejected).toEqual([
      { id: 'x', reason: REASONS.duplicate },
    ]);
    // Another folder, another size or another owner is a different file.
    const different = decideAddFiles(listed, 'bob', [
      offer('y1', 'b.txt', { path: 'other/b.txt', size: 20 }),
      offer('y2', 'b.txt', { path: 'docs/b.txt', size: 21 }),
    ]);
    expect(different.files.map((f) => f.id)).toEqual(['y1', 'y2']);
    expect(decideAddFiles(listed, 'ann', [offer('y3', 'b.txt', { path: 'docs/b.txt', size: 20 })]).files).toHaveLength(
      1,
    );
  });

  it('rejects duplicates inside one request', () => {
    const decision = decideAddFiles([], 'ann', [offer('a', 'x.txt'), offer('a', 'x.txt'), offer('b', 'x.txt')]);
    expect(decision.files.map((f) => f.id)).toEqual(['a']);
    expect(decision.rejected).toEqual([
      { id: 'a', reason: REASONS.duplicateInRequest },
      { id: 'b', reason: REASONS.duplicateInRequest },
    ]);
  });

  it('rejects invalid names and paths with the reason', () => {
    const decision = decideAddFiles([], 'ann', [
      offer('p1', '..'),
      offer('p2', 'a/b'),
      offer('p3', 'ok.txt', { path: '../etc/ok.txt' }),
      offer('p4', 'bell\u0007'),
      offer('p5', '<img src=x onerror=alert(1)>'),
    ]);
    expect(decision.rejected).toEqual([
      { id: 'p1', reason: 'name is a relative path' },
      { id: 'p2', reason: 'name contains a path separator' },
      { id: 'p3', reason: 'path has a relative segment' },
      { id: 'p4', reason: 'name has control characters' },
    ]);
    expect(decision.files.map((f) => f.id)).toEqual(['p5']);
  });

  it('answers a resend of files already listed identically as accepted', () => {
    const offers = [offer('n1', 'new.txt'), offer('n2', 'dup.txt', { size: 10 })];
    const first = decideAddFiles(listed, 'ann', offers);
    const after = [...listed, ...first.files];
    const again = decideAddFiles(after, 'ann', offers);
    expect(again).toEqual(first);
    expect(again.files.map((f) => f.id)).toEqual(['n1', 'n2']);
  });

  it('does not accept a changed file under a listed id', () => {
    expect(decideAddFiles(listed, 'ann', [offer('f1', 'a.txt', { size: 11 })]).rejected).toEqual([
      { id: 'f1', reason: REASONS.idReused },
    ]);
  });
});

describe('decideAddFiles on folder batches', () => {
  const batch = (count: number, id = 'b1') => ({ batch: { id, count } });
  const inFolder = [shared('g1', 'ann', 'a.txt', { path: 'trip/a.txt', ...batch(3) })];

  it('accepts a listed file offered again with its batch count lowered (a recount)', () => {
    const decision = decideAddFiles(inFolder, 'ann', [offer('g1', 'a.txt', { path: 'trip/a.txt', ...batch(2) })]);
    expect(decision).toEqual({
      files: [shared('g1', 'ann', 'a.txt', { path: 'trip/a.txt', ...batch(2) })],
      rejected: [],
    });
  });

  it('refuses a batch count that grows, a batch changed or dropped, and a recount by someone else', () => {
    const refused = (offered: ReturnType<typeof offer>, owner = 'ann') =>
      decideAddFiles(inFolder, owner, [offered]).rejected.map((r) => r.reason);
    expect(refused(offer('g1', 'a.txt', { path: 'trip/a.txt', ...batch(4) }))).toEqual([REASONS.idReused]);
    expect(refused(offer('g1', 'a.txt', { path: 'trip/a.txt', ...batch(2, 'other') }))).toEqual([REASONS.idReused]);
    expect(refused(offer('g1', 'a.txt', { path: 'trip/a.txt' }))).toEqual([REASONS.idReused]);
    // Anything else changed with the count is a different file under a listed id.
    expect(refused(offer('g1', 'a.txt', { path: 'trip/a.txt', size: 5, ...batch(2) }))).toEqual([REASONS.idReused]);
    expect(refused(offer('g1', 'a.txt', { path: 'trip/a.txt', ...batch(2) }), 'bob')).toEqual([REASONS.idTaken]);
  });

  it('tells batches apart in a resend: the same count is accepted again', () => {
    expect(
      decideAddFiles(inFolder, 'ann', [offer('g1', 'a.txt', { path: 'trip/a.txt', ...batch(3) })]).files,
    ).toHaveLength(1);
  });
});

describe('mayRemoveFile', () => {
  it('lets the owner and the host remove, nobody else', () => {
    expect(mayRemoveFile({ owner: 'ann', by: 'ann', fileId: 'f1' }, listed, 'host')).toBe(true);
    expect(mayRemoveFile({ owner: 'ann', by: 'host', fileId: 'f1' }, listed, 'host')).toBe(true);
    expect(mayRemoveFile({ owner: 'ann', by: 'bob', fileId: 'f1' }, listed, 'host')).toBe(false);
    // The forwarded owner cannot make bob the owner of ann's file.
    expect(mayRemoveFile({ owner: 'bob', by: 'bob', fileId: 'f1' }, listed, 'host')).toBe(false);
  });
});

describe('mayRemoveFiles', () => {
  const room = [
    ...listed,
    shared('f3', 'ann', 'c.txt'),
    shared('d1', 'bob', 'for-ann.txt', { to: 'ann' }),
    shared('d2', 'bob', 'for-cy.txt', { to: 'cy' }),
  ];

  it('keeps the ids the asker may remove, in the order asked, by the rule of mayRemoveFile', () => {
    expect(mayRemoveFiles({ owner: 'ann', by: 'ann', fileIds: ['f3', 'f1'] }, room, 'host')).toEqual(['f3', 'f1']);
    // A forwarded owner claiming bob's files for ann changes nothing; ann's direct offer from bob is hers to decline.
    expect(mayRemoveFiles({ owner: 'ann', by: 'ann', fileIds: ['f1', 'f2', 'd1', 'd2'] }, room, 'host')).toEqual([
      'f1',
      'd1',
    ]);
    expect(mayRemoveFiles({ owner: 'bob', by: 'host', fileIds: ['f2', 'd2'] }, room, 'host')).toEqual(['f2', 'd2']);
    expect(mayRemoveFiles({ owner: 'bob', by: 'eve', fileIds: ['f2', 'd1'] }, room, 'host')).toEqual([]);
  });

  it('lets an id the host does not list yet go when the forwarded owner asked, as mayRemoveFile does', () => {
    expect(mayRemoveFiles({ owner: 'ann', by: 'ann', fileIds: ['new'] }, room, 'host')).toEqual(['new']);
    expect(mayRemoveFiles({ owner: 'ann', by: 'bob', fileIds: ['new'] }, room, 'host')).toEqual([]);
  });

  it('decides a folder of 10,000 ids in one pass', () => {
    const many = Array.from({ length: 10_000 }, (_, i) => shared(`m${i}`, i % 3 === 0 ? 'bob' : 'ann', `${i}.txt`));
    const fileIds = many.map((f) => f.id);
    const started = performance.now();
    const allowed = mayRemoveFiles({ owner: 'ann', by: 'ann', fileIds }, many, 'host');
    // Quadratic (10^8 comparisons) takes seconds; one pass takes milliseconds.
    expect(performance.now() - started).toBeLessThan(500);
    expect(allowed).toEqual(many.filter((f) => f.owner === 'ann').map((f) => f.id));
    expect(allowed).toHaveLength(6_666);
  });
});

describe('decideAddFiles on text posts', () => {
  const text = (id: string, body: string, extra: Record<string, unknown> = {}) =>
    offer(id, 'Text', { size: new TextEncoder().encode(body).length, mime: 'text/plain', text: body, ...extra });

  it('lists a text post, and the same text twice from one person once', () => {
    const first = decideAddFiles(listed, 'ann', [text('t1', 'https://example.com/a\nhunter2')]);
    expect(first.files.map((f) => [f.id, f.owner, f.text])).toEqual([['t1', 'ann', 'https://example.com/a\nhunter2']]);
    const again = decideAddFiles([...listed, ...first.files], 'ann', [text('t2', 'https://example.com/a\nhunter2')]);
    expect(again.rejected).toEqual([{ id: 't2', reason: REASONS.duplicateText }]);
    // A resend under the same id is accepted again; a changed text under it is not.
    expect(decideAddFiles(first.files, 'ann', [text('t1', 'https://example.com/a\nhunter2')]).files).toHaveLength(1);
    expect(decideAddFiles(first.files, 'ann', [text('t1', 'https://example.com/a\nhunter3')]).rejected).toEqual([
      { id: 't1', reason: REASONS.idReused },
    ]);
  });

  it('tells two texts of one name and length apart', () => {
    const decision = decideAddFiles(listed, 'ann', [text('t1', 'abc'), text('t2', 'abd')]);
    expect(decision.files.map((f) => f.id)).toEqual(['t1', 't2']);
  });

  it('rejects a size that is not the UTF-8 length, a folder, a blank text and forbidden characters', () => {
    const decision = decideAddFiles(listed, 'ann', [
      text('s', 'héllo', { size: 5 }),
      text('p', 'in a folder', { path: 'docs/Text' }),
      text('b', ' \n\t '),
      text('c', 'a\r\nb'),
      text('z', 'a\u202eb'),
    ]);
    expect(decision.files).toEqual([]);
    expect(decision.rejected).toEqual([
      { id: 's', reason: 'text size is not its length in UTF-8 bytes' },
      { id: 'p', reason: 'a text post is not in a folder' },
      { id: 'b', reason: 'text is blank' },
      { id: 'c', reason: 'text has control characters' },
      { id: 'z', reason: 'text has invisible formatting characters' },
    ]);
  });
});

describe('decideAddFiles on empty folders', () => {
  const folder = (id: string, path: string, extra: Record<string, unknown> = {}) =>
    offer(id, path.split('/').pop() ?? path, { size: 0, path, folder: true, batch: { id: 'b', count: 2 }, ...extra });

  it('lists an empty folder of a shared folder, and refuses one with bytes, no folder, or a path not its own', () => {
    const decision = decideAddFiles(listed, 'ann', [
      folder('e1', 'trip/empty'),
      folder('e2', 'blank'),
      folder('s', 'trip/sized', { size: 3 }),
      folder('n', 'trip/nobatch', { batch: undefined }),
      folder('p', 'trip/other', { name: 'elsewhere' }),
      folder('h', 'trip/hashed', { sha256: 'a'.repeat(64) }),
    ]);
    expect(decision.files.map((f) => [f.id, f.path, f.folder])).toEqual([
      ['e1', 'trip/empty', true],
      ['e2', 'blank', true],
    ]);
    expect(decision.rejected).toEqual([
      { id: 's', reason: 'a folder has no bytes' },
      { id: 'n', reason: 'a folder entry belongs to a shared folder' },
      { id: 'p', reason: "a folder's path ends in its name" },
      { id: 'h', reason: 'a folder has no text, type or hash' },
    ]);
  });
});

describe('direct offers (to one person)', () => {
  const approved = new Set(['ann', 'bob', 'cleo', 'host']);
  const isApprovedPeer = (publicId: string) => approved.has(publicId);

  it('accepts a file sent to an approved peer and keeps its recipient', () => {
    const decision = decideAddFiles([], 'ann', [offer('d1', 'report.pdf', { to: 'cleo' })], isApprovedPeer);
    expect(decision.rejected).toEqual([]);
    expect(decision.files).toEqual([expect.objectContaining({ id: 'd1', owner: 'ann', to: 'cleo' })]);
  });

  it('rejects a file sent to its own sharer or to someone not approved, with a reason', () => {
    const decision = decideAddFiles(
      [],
      'ann',
      [offer('d1', 'a.pdf', { to: 'ann' }), offer('d2', 'b.pdf', { to: 'stranger' })],
      isApprovedPeer,
    );
    expect(decision.files).toEqual([]);
    expect(decision.rejected).toEqual([
      { id: 'd1', reason: REASONS.recipientToSelf },
      { id: 'd2', reason: REASONS.recipientUnknown },
    ]);
  });

  it('accepts no direct offer when the caller cannot say who is approved', () => {
    expect(decideAddFiles([], 'ann', [offer('d1', 'a.pdf', { to: 'cleo' })]).rejected).toEqual([
      { id: 'd1', reason: REASONS.recipientUnknown },
    ]);
  });

  it('treats the same file posted to the room and sent to one person as two entries', () => {
    const posted = [shared('f1', 'ann', 'a.txt', { size: 10 })];
    const decision = decideAddFiles(posted, 'ann', [offer('d1', 'a.txt', { size: 10, to: 'cleo' })], isApprovedPeer);
    expect(decision.files.map((f) => f.id)).toEqual(['d1']);
  });

  it('rejects a resend of a listed id that changes its recipient', () => {
    const sent = [shared('d1', 'ann', 'a.pdf', { to: 'cleo' })];
    expect(decideAddFiles(sent, 'ann', [offer('d1', 'a.pdf', { to: 'bob' })], isApprovedPeer).rejected).toEqual([
      { id: 'd1', reason: REASONS.idReused },
    ]);
  });

  it('lets the recipient remove (decline) a direct entry, and nobody else but owner and host', () => {
    const sent = [shared('d1', 'ann', 'a.pdf', { to: 'cleo' })];
    expect(mayRemoveFile({ owner: 'ann', by: 'cleo', fileId: 'd1' }, sent, 'host')).toBe(true);
    expect(mayRemoveFile({ owner: 'ann', by: 'ann', fileId: 'd1' }, sent, 'host')).toBe(true);
    expect(mayRemoveFile({ owner: 'ann', by: 'bob', fileId: 'd1' }, sent, 'host')).toBe(false);
    // A room file has no recipient: a guest other than its owner still cannot remove it.
    expect(mayRemoveFile({ owner: 'ann', by: 'cleo', fileId: 'f1' }, listed, 'host')).toBe(false);
  });
});
