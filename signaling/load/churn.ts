import type { FileOffer } from '@ferry/common';
import type { LoadRoom } from './load-room';
import type { ReconnectMode } from './swarm-protocol';

/*
 * A minute in the life of a busy room, driven from the parent: people drop and come back with
 * their privateId (a clean close, a cut connection, a second tab taking over), people leave and
 * newcomers join, people are dis-approved and leave, files are shared and unshared. Each person
 * has at most one action in flight. The rates keep the room's size and file count about level, so
 * memory at the end compares with memory at the start.
 */

export interface ChurnRates {
  /** Actions per second. */
  reconnect: number;
  leaveAndReplace: number;
  disApproveAndReplace: number;
  addFiles: number;
  removeFile: number;
}

/** About 5% of a 1,000-peer room comes and goes in a minute; ~9 files appear and ~9 go each second. */
export const DEFAULT_CHURN: ChurnRates = {
  reconnect: 5,
  leaveAndReplace: 1.5,
  disApproveAndReplace: 0.2,
  addFiles: 3,
  removeFile: 9,
};

export interface Person {
  index: number;
  publicId: string;
  isOwner: boolean;
  isBusy: boolean;
  state: 'approved' | 'gone';
}

export interface ChurnReport {
  actions: Record<keyof ChurnRates, number>;
  failures: string[];
  filesAdded: number;
  filesRemoved: number;
  newPeople: number;
  /** Requests lost because the sender's socket dropped under it (it reconnects, as the apps do). */
  lostToDisconnect: number;
  /** Actions not started because MAX_IN_FLIGHT were still running. */
  skipped: number;
}

const TICK_MS = 100;
/**
 * Actions in flight at most: on a machine too busy to keep up, actions are skipped (and counted)
 * rather than piled up, so the run stays bounded in time.
 */
const MAX_IN_FLIGHT = 24;
const MODES: ReconnectMode[] = ['close', 'terminate', 'takeover'];

/** A small seeded generator (mulberry32), so a failing run can be replayed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function offer(id: string, size: number): FileOffer {
  return {
    id,
    name: `${id}.bin`,
    size,
    chunkSize: 1024 * 1024,
    mime: 'application/octet-stream',
    lastModified: 1_700_000_000_000,
    path: `load/${id}.bin`,
  };
}

export async function runChurn(
  room: LoadRoom,
  people: Person[],
  rates: ChurnRates,
  durationMs: number,
  seed: number,
): Promise<ChurnReport> {
  const { swarm, master } = room;
  const random = seededRandom(seed);
  const report: ChurnReport = {
    actions: { reconnect: 0, leaveAndReplace: 0, disApproveAndReplace: 0, addFiles: 0, removeFile: 0 },
    failures: [],
    filesAdded: 0,
    filesRemoved: 0,
    newPeople: 0,
    lostToDisconnect: 0,
    skipped: 0,
  };
  const inFlight = new Set<Promise<void>>();
  let serial = 0;
  /** Files with a removal in flight: a second one would race it to NO_SUCH_FILE. */
  const removing = new Set<string>();
  const byPublicId = new Map(people.map((p) => [p.publicId, p]));

  const pickIdle = (test: (p: Person) => boolean): Person | undefined => {
    for (let attempt = 0; attempt < 20; attempt++) {
      const person = people[Math.floor(random() * people.length)];
      if (person && person.state === 'approved' && !person.isBusy && test(person)) return person;
    }
    return undefined;
  };
  const track = (person: Person | null, what: string, action: () => Promise<void>) => {
    if (person) person.isBusy = true;
    const done = action()
      .catch((error: unknown) => {
        report.failures.push(`${what}: ${error instanceof Error ? error.message : String(error)}`);
      })
      .finally(() => {
        if (person) person.isBusy = false;
        inFlight.delete(done);
      });
    inFlight.add(done);
  };
  const replace = async () => {
    const [joined] = await swarm.call({ cmd: 'join', count: 1, window: 1 });
    if (!joined) throw new Error('no newcomer');
    const person: Person = {
      index: joined.index,
      publicId: joined.publicId,
      isOwner: false,
      isBusy: false,
      state: 'approved',
    };
    people.push(person);
    byPublicId.set(person.publicId, person);
    report.newPeople++;
  };

  const actions: Record<keyof ChurnRates, () => void> = {
    reconnect: () => {
      const person = pickIdle(() => true);
      if (!person) return;
      const mode = MODES[Math.floor(random() * MODES.length)] ?? 'close';
      track(person, `reconnect (${mode})`, async () => {
        await swarm.call({ cmd: 'reconnect', indices: [person.index], mode });
      });
    },
    leaveAndReplace: () => {
      const person = pickIdle((p) => !p.isOwner);
      if (!person) return;
      track(person, 'leave', async () => {
        await swarm.call({ cmd: 'leave', indices: [person.index] });
        person.state = 'gone';
        await replace();
      });
    },
    disApproveAndReplace: () => {
      const person = pickIdle((p) => !p.isOwner);
      if (!person) return;
      track(person, 'dis-approve', async () => {
        const told = master.waitFor((m) => m.type === 'CLIENT_DIS_APPROVED' && m.publicId === person.publicId);
        master.send({ type: 'DIS_APPROVE_CLIENT', publicId: person.publicId });
        await told;
        await swarm.call({ cmd: 'leave', indices: [person.index] });
        person.state = 'gone';
        await replace();
      });
    },
    addFiles: () => {
      const person = pickIdle(() => true);
      if (!person) return;
      const count = 1 + Math.floor(random() * 5);
      const files = Array.from({ length: count }, () =>
        offer(`churn-${seed}-${serial++}`, 1 + Math.floor(random() * 1e9)),
      );
      track(person, 'add files', async () => {
        const answer = await swarm.call({ cmd: 'addFiles', index: person.index, reqId: `add-${serial++}`, files });
        if (!answer.ok && answer.code === 'DISCONNECTED') return void report.lostToDisconnect++;
        if (!answer.ok) throw new Error(answer.code);
        if (answer.files.length !== count)
          throw new Error(`${answer.files.length} of ${count} accepted: ${JSON.stringify(answer.rejected)}`);
        report.filesAdded += count;
      });
    },
    removeFile: () => {
      // By its owner when the owner is free; otherwise the master removes it on its own.
      const files = [...master.files.values()].filter((f) => f.owner !== master.publicId && !removing.has(f.id));
      const file = files[Math.floor(random() * files.length)];
      if (!file) return;
      removing.add(file.id);
      const owner = byPublicId.get(file.owner);
      const reqId = `rm-${serial++}`;
      if (owner && owner.state === 'approved' && !owner.isBusy && random() < 0.7) {
        track(owner, 'remove file', async () => {
          const answer = await swarm
            .call({ cmd: 'removeFile', index: owner.index, reqId, fileId: file.id })
            .finally(() => removing.delete(file.id));
          if (!answer.ok && answer.code === 'DISCONNECTED') return void report.lostToDisconnect++;
          if (!answer.ok) throw new Error(answer.code);
          report.filesRemoved++;
        });
      } else {
        track(null, 'master removes a file', async () => {
          const removed = master.waitFor(
            (m) => (m.type === 'FILE_REMOVED' && m.reqId === reqId) || (m.type === 'ERROR' && m.reqId === reqId),
          );
          master.send({ type: 'FILE_REMOVED', reqId, fileId: file.id });
          const answer = await removed.finally(() => removing.delete(file.id));
          // The owner may have left meanwhile, taking the file with it.
          if (answer.type === 'ERROR' && answer.code !== 'NO_SUCH_FILE') throw new Error(answer.code);
          if (answer.type === 'FILE_REMOVED') report.filesRemoved++;
        });
      }
    },
  };

  const credit: Record<keyof ChurnRates, number> = {
    reconnect: 0,
    leaveAndReplace: 0,
    disApproveAndReplace: 0,
    addFiles: 0,
    removeFile: 0,
  };
  const startedMs = performance.now();
  while (performance.now() - startedMs < durationMs) {
    for (const name of Object.keys(rates) as (keyof ChurnRates)[]) {
      credit[name] += (rates[name] * TICK_MS) / 1000;
      while (credit[name] >= 1) {
        credit[name] -= 1;
        if (inFlight.size >= MAX_IN_FLIGHT) {
          report.skipped++;
          continue;
        }
        report.actions[name]++;
        actions[name]();
      }
    }
    await new Promise((resolve) => setTimeout(resolve, TICK_MS));
  }
  while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
  return report;
}
