import { describe, expect, it } from 'vitest';
import { jobFromRecord, newJob, recordOf } from '../src/transfers/download-job';
import { parseRecords, type StoredJob } from '../src/transfers/download-records';
import { shared } from '@ferry/common/test/builders';

const file = shared('f1', 'ann', 'a.bin', { size: 3 * 1024 * 1024 + 5, sha256: 'a'.repeat(64) });

function record(overrides: Partial<StoredJob> = {}): StoredJob {
  return {
    version: 1,
    id: 'job-1',
    role: 'client',
    asker: 'me',
    kind: 'file',
    name: 'a.bin',
    items: [{ file, transferId: 't-1', have: new Uint8Array([0b0101]), isVerified: false }],
    isPaused: false,
    ...overrides,
  };
}

describe('parseRecords', () => {
  it("keeps this app's records and sets aside the other app's", () => {
    const entries = [
      { key: 'job-1', value: record() },
      { key: 'job-2', value: record({ id: 'job-2', role: 'master' }) },
    ];
    expect(parseRecords(entries, 'client')).toEqual({ jobs: [record()], unreadable: [] });
    expect(parseRecords(entries, 'master').jobs.map((j) => j.id)).toEqual(['job-2']);
  });

  it('marks what does not parse as unreadable, never half-uses it', () => {
    const entries = [
      { key: 'x', value: 'garbage' },
      { key: 'job-1', value: { ...record(), version: 2 } },
      { key: 'job-3', value: record() }, // stored under another key than its id
      {
        key: 'job-4',
        value: {
          ...record({ id: 'job-4' }),
          items: [{ file: { ...file, size: -1 }, transferId: 't', have: new Uint8Array(1), isVerified: false }],
        },
      },
      {
        key: 'job-5',
        value: { ...record({ id: 'job-5' }), items: [{ file, transferId: 't', have: [1, 2], isVerified: false }] },
      },
    ];
    expect(parseRecords(entries, 'client')).toEqual({
      jobs: [],
      unreadable: ['x', 'job-1', 'job-3', 'job-4', 'job-5'],
    });
  });

  it("keeps a folder's empty folders across a reload", () => {
    const job = newJob(
      {
        id: 'job-1',
        role: 'client',
        asker: 'me',
        kind: 'folder',
        name: 'trip',
        folder: 'trip',
        emptyFolders: ['trip/e'],
      },
      [file],
      () => 't-1',
    );
    const [parsed] = parseRecords([{ key: 'job-1', value: recordOf(job) }], 'client').jobs;
    expect(parsed?.emptyFolders).toEqual(['trip/e']);
    expect(parsed && jobFromRecord(parsed).emptyFolders).toEqual(['trip/e']);
    // A file's record has none, and older records without the field read as none.
    expect(jobFromRecord(record()).emptyFolders).toEqual([]);
  });
});
