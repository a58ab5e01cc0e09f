/** A transfer as the daemon tracks it: who asked whom for which chunks of which file. */
export interface Transfer {
  readonly transferId: string;
  readonly fileId: string;
  readonly asker: string;
  readonly owner: string;
  /** Asked chunk ranges [start, end), merged and sorted. */
  ranges: Array<[number, number]>;
  lastActivityMs: number;
  /** When the asker was last told the relay refused this transfer's uploads (RELAY_BUSY). */
  lastBusyNoticeMs?: number;
}

/** Adds [start, end) to a sorted list of disjoint ranges, merging overlaps and neighbours. */
export function addRange(ranges: ReadonlyArray<[number, number]>, start: number, end: number): Array<[number, number]> {
  const sorted = [...ranges, [start, end] as [number, number]].sort((a, b) => a[0] - b[0]);
  const out: Array<[number, number]> = [];
  for (const [s, e] of sorted) {
    const last = out[out.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

/** More disjoint ranges than a real downloader ever leaves open; past it a transfer is refused. */
export const MAX_RANGES_PER_TRANSFER = 1024;

export function rangesInclude(ranges: ReadonlyArray<[number, number]>, index: number): boolean {
  return ranges.some(([s, e]) => index >= s && index < e);
}

export class TransferRegistry {
  private readonly byId = new Map<string, Transfer>();

  get size(): number {
    return this.byId.size;
  }

  get(transferId: string): Transfer | undefined {
    return this.byId.get(transferId);
  }

  /** Records an asked range, opening the transfer on first use. */
  ask(init: Omit<Transfer, 'ranges'>, start: number, end: number): Transfer {
    const existing = this.byId.get(init.transferId);
    const transfer = existing ?? { ...init, ranges: [] };
    transfer.ranges = addRange(transfer.ranges, start, end);
    transfer.lastActivityMs = init.lastActivityMs;
    if (!existing) this.byId.set(init.transferId, transfer);
    return transfer;
  }

  delete(transferId: string): void {
    this.byId.delete(transferId);
  }

  /** Transfers matching a predicate, collected first so callers may delete while handling them. */
  where(predicate: (t: Transfer) => boolean): Transfer[] {
    return [...this.byId.values()].filter(predicate);
  }
}
