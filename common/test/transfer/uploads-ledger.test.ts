import { describe, expect, it } from 'vitest';
import { UploadsLedger } from '../../src/transfer/uploads-ledger';

const KIB = 1024;
const bobT1 = { transferId: 't1', fileId: 'f1', asker: 'bob' };

describe('UploadsLedger: who is fetching what, how far and how fast (times are plain numbers)', () => {
  it('adds up the bytes served per transfer and tells the speed over the last window', () => {
    const ledger = new UploadsLedger({ rateWindowMs: 5_000 });
    for (let second = 0; second <= 10; second++) ledger.served(second * 1000, bobT1, 100 * KIB);
    const [entry] = ledger.active(10_000);
    expect(entry).toMatchObject({ transferId: 't1', fileId: 'f1', asker: 'bob', bytesServed: 1100 * KIB });
    // Chunks at 6..10 s are inside the window (5, 10]: 500 KiB over 5 s.
    expect(entry?.bytesPerSecond).toBe(100 * KIB);
  });

  it('a young transfer is measured over its own time, at least a second', () => {
    const ledger = new UploadsLedger({ rateWindowMs: 5_000 });
    ledger.served(0, bobT1, 300 * KIB);
    expect(ledger.active(0)[0]?.bytesPerSecond).toBe(300 * KIB);
    ledger.served(2_000, bobT1, 300 * KIB);
    expect(ledger.active(2_000)[0]?.bytesPerSecond).toBe(300 * KIB);
  });

  it('the speed falls to zero when nothing more is sent, and the transfer leaves once idle too long', () => {
    const ledger = new UploadsLedger({ rateWindowMs: 5_000, activeForMs: 15_000 });
    ledger.served(0, bobT1, 100 * KIB);
    expect(ledger.active(6_000)[0]?.bytesPerSecond).toBe(0);
    expect(ledger.active(15_000)).toHaveLength(1);
    expect(ledger.active(15_001)).toEqual([]);
  });

  it('keeps askers and transfers apart, and forgets what ended or whoever left', () => {
    const ledger = new UploadsLedger();
    ledger.served(0, bobT1, 10);
    ledger.served(0, { transferId: 't2', fileId: 'f1', asker: 'carol' }, 20);
    ledger.served(0, { transferId: 't3', fileId: 'f2', asker: 'bob' }, 30);
    expect(ledger.active(0).map((e) => [e.asker, e.bytesServed])).toEqual([
      ['bob', 10],
      ['carol', 20],
      ['bob', 30],
    ]);
    ledger.ended('t2');
    ledger.forgetPeer('bob');
    expect(ledger.active(0)).toEqual([]);
  });

  it('a transferId reused for another asker starts afresh', () => {
    const ledger = new UploadsLedger();
    ledger.served(0, bobT1, 10);
    ledger.served(1, { ...bobT1, asker: 'carol' }, 5);
    expect(ledger.active(1)).toEqual([expect.objectContaining({ asker: 'carol', bytesServed: 5 })]);
  });

  it('remembers a bounded number of transfers, the least recently served going first', () => {
    const ledger = new UploadsLedger({ maxTransfers: 2 });
    ledger.served(0, { ...bobT1, transferId: 'a' }, 1);
    ledger.served(1, { ...bobT1, transferId: 'b' }, 1);
    ledger.served(2, { ...bobT1, transferId: 'a' }, 1);
    ledger.served(3, { ...bobT1, transferId: 'c' }, 1);
    expect(ledger.active(3).map((e) => e.transferId)).toEqual(['a', 'c']);
  });
});
