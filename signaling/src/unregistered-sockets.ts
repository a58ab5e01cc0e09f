/**
 * Sockets that have not registered yet, counted per remote address and in total. Until it
 * registers a socket costs the daemon memory and a timer for up to the register timeout while
 * proving nothing, so one address could otherwise hold thousands of them. The count is taken at
 * the HTTP upgrade, before the WebSocket handshake, so a refusal costs one short write.
 */
export type Admission =
  | { readonly isAdmitted: true; readonly release: () => void }
  | { readonly isAdmitted: false; readonly reason: 'address-full' | 'daemon-full' };

export class UnregisteredSockets {
  private readonly byAddress = new Map<string, number>();
  private count = 0;

  constructor(
    /** Unregistered sockets one remote address may hold at once; Infinity lifts the cap. */
    readonly maxPerAddress: number,
    /** Unregistered sockets over all addresses at once. */
    readonly maxTotal: number,
  ) {}

  get size(): number {
    return this.count;
  }

  /** Addresses holding at least one slot (0 once every slot is back: nothing kept per address). */
  get addresses(): number {
    return this.byAddress.size;
  }

  countOf(address: string): number {
    return this.byAddress.get(address) ?? 0;
  }

  /**
   * Takes a slot for a new socket from `address`. The caller must call `release` when the socket
   * registers or closes, whichever comes first; a second call does nothing, so both paths may.
   */
  admit(address: string): Admission {
    const held = this.countOf(address);
    // The address check first: an address at its own cap hears that, not that the daemon is full.
    if (held >= this.maxPerAddress) return { isAdmitted: false, reason: 'address-full' };
    if (this.count >= this.maxTotal) return { isAdmitted: false, reason: 'daemon-full' };
    this.byAddress.set(address, held + 1);
    this.count++;
    let isHeld = true;
    const release = () => {
      if (!isHeld) return;
      isHeld = false;
      this.count--;
      const left = this.countOf(address) - 1;
      if (left > 0) this.byAddress.set(address, left);
      else this.byAddress.delete(address);
    };
    return { isAdmitted: true, release };
  }
}
