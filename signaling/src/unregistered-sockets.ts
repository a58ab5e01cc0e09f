/**
 * Sockets that have not registered yet, counted per remote address and in total. Until it
 * registers a socket costs the daemon memory and a timer for up to the register timeout while
 * proving nothing, so one address could otherwise hold thousands of them. The count is taken at
 * the HTTP upgrade, before the WebSocket handshake, so a refusal costs one short write.
 *
 * When the total is full, a newcomer from an address holding fewer slots than the fullest one
 * takes the oldest slot of that fullest address (its socket is cut): whoever holds the most idle
 * sockets pays, so a few addresses flooding the daemon can never keep anyone else (the host's
 * own tab included) from connecting.
 */
export type Admission =
  | { readonly isAdmitted: true; readonly release: () => void }
  | { readonly isAdmitted: false; readonly reason: 'address-full' | 'daemon-full' };

interface Slot {
  readonly evict: () => void;
  isHeld: boolean;
}

export class UnregisteredSockets {
  /** Each address's slots, oldest first. */
  private readonly byAddress = new Map<string, Slot[]>();
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
    return this.byAddress.get(address)?.length ?? 0;
  }

  /**
   * Takes a slot for a new socket from `address`. The caller must call `release` when the socket
   * registers or closes, whichever comes first; a second call does nothing, so both paths may.
   * `evict` cuts the socket when a newcomer takes its slot (its close must then call `release`).
   */
  admit(address: string, evict: () => void = () => {}): Admission {
    const held = this.countOf(address);
    // The address check first: an address at its own cap hears that, not that the daemon is full.
    if (held >= this.maxPerAddress) return { isAdmitted: false, reason: 'address-full' };
    if (this.count >= this.maxTotal && !this.evictFromFullest(held + 1)) {
      return { isAdmitted: false, reason: 'daemon-full' };
    }
    const slot: Slot = { evict, isHeld: true };
    const slots = this.byAddress.get(address) ?? [];
    slots.push(slot);
    this.byAddress.set(address, slots);
    this.count++;
    const release = () => this.release(address, slot);
    return { isAdmitted: true, release };
  }

  /** Frees the oldest slot of the address holding the most, if it holds more than `newcomerCount`. */
  private evictFromFullest(newcomerCount: number): boolean {
    let fullest: { address: string; slots: Slot[] } | null = null;
    for (const [address, slots] of this.byAddress) {
      if (!fullest || slots.length > fullest.slots.length) fullest = { address, slots };
    }
    const oldest = fullest?.slots[0];
    if (!fullest || !oldest || fullest.slots.length <= newcomerCount) return false;
    this.release(fullest.address, oldest);
    oldest.evict();
    return true;
  }

  private release(address: string, slot: Slot): void {
    if (!slot.isHeld) return;
    slot.isHeld = false;
    this.count--;
    const slots = this.byAddress.get(address);
    if (!slots) return;
    const index = slots.indexOf(slot);
    if (index >= 0) slots.splice(index, 1);
    if (slots.length === 0) this.byAddress.delete(address);
  }
}
