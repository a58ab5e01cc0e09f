import { readdirSync, readFileSync } from 'node:fs';

// Linux /proc readings for a browser's process tree. Playwright's Browser does not expose its
// process, so the tree is found as the processes this one gained while launching it.

function parentOf(pid: number): number | undefined {
  try {
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    return Number.isInteger(ppid) ? ppid : undefined;
  } catch {
    return undefined; // it exited between the listing and the read
  }
}

function allPids(): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
}

/** Every live descendant of `rootPid`, itself included. */
export function processTree(rootPid: number): number[] {
  const children = new Map<number, number[]>();
  for (const pid of allPids()) {
    const ppid = parentOf(pid);
    if (ppid === undefined) continue;
    children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  }
  const tree: number[] = [];
  const stack = [rootPid];
  for (let pid = stack.pop(); pid !== undefined; pid = stack.pop()) {
    tree.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/** The direct children of this process now. */
export function ownChildren(): Set<number> {
  return new Set(allPids().filter((pid) => parentOf(pid) === process.pid));
}

export function rssBytes(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Resident memory of a whole process tree (a browser with its renderers and helpers). */
export function treeRssBytes(rootPid: number): number {
  return processTree(rootPid).reduce((sum, pid) => sum + rssBytes(pid), 0);
}

/** Chromium's role of a process: `--type=renderer`, `utility` (network, storage), `gpu-process`, or `browser`. */
function chromiumType(pid: number): string {
  try {
    // Chromium rewrites its children's titles: their cmdline is one space-separated string.
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
    const type = /--type=(\S+)/.exec(cmdline)?.[1];
    if (type === undefined) return 'browser';
    const service = /--utility-sub-type=(\S+)/.exec(cmdline)?.[1];
    return service === undefined ? type : `${type}:${service.replace(/^.*\./, '')}`;
  } catch {
    return 'gone';
  }
}

/** Resident memory of a process tree by Chromium process role (processes of one role summed). */
export function treeRssByType(rootPid: number): Record<string, number> {
  const byType: Record<string, number> = {};
  for (const pid of processTree(rootPid)) {
    const type = chromiumType(pid);
    byType[type] = (byType[type] ?? 0) + rssBytes(pid);
  }
  return byType;
}

/** Runs `launch` and returns what it made plus the one child process it started. */
export async function withNewChild<T>(launch: () => Promise<T>): Promise<{ value: T; pid: number | undefined }> {
  const before = ownChildren();
  const value = await launch();
  const added = [...ownChildren()].filter((pid) => !before.has(pid));
  return { value, pid: added.length === 1 ? added[0] : undefined };
}

/** Clock ticks per second of /proc's CPU times (USER_HZ: 100 on every Linux Ferry runs on). */
const TICKS_PER_SECOND = 100;

function cpuTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After "(comm)": state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime.
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}

/** Who a process of this bench is: the bench itself (it runs the bare server), the daemon, or a Chromium role. */
function benchRole(pid: number): string {
  if (pid === process.pid) return 'bench';
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (/ferry\.js|daemon[/\\]cli\.js/.test(cmdline)) return 'daemon';
    if (/chrom/i.test(cmdline)) return `chromium:${chromiumType(pid)}`;
    // Named, so that a process the rules above miss can still be told apart in the figures.
    const comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    return `other:${comm || '?'}`;
  } catch {
    return 'gone';
  }
}

export type CpuSnapshot = ReadonlyMap<number, { role: string; ticks: number }>;

/** CPU ticks so far of this process and all its descendants (browsers, daemons). */
export function cpuSnapshot(): CpuSnapshot {
  const snapshot = new Map<number, { role: string; ticks: number }>();
  for (const pid of processTree(process.pid)) {
    const ticks = cpuTicks(pid);
    if (ticks !== undefined) snapshot.set(pid, { role: benchRole(pid), ticks });
  }
  return snapshot;
}

/**
 * CPU seconds each role used between two snapshots (processes of one role summed; one started
 * in between counts from zero, one that ended in between is missing).
 */
export function cpuSecondsBetween(before: CpuSnapshot, after: CpuSnapshot): Record<string, number> {
  const byRole: Record<string, number> = {};
  for (const [pid, { role, ticks }] of after) {
    const used = (ticks - (before.get(pid)?.ticks ?? 0)) / TICKS_PER_SECOND;
    byRole[role] = (byRole[role] ?? 0) + used;
  }
  return byRole;
}

/**
 * The CPU of this process tree while something runs, sampled every `intervalMs` so that a
 * process that exits before the end (a ceiling's pages close as it ends) still counts, up to its
 * last sample. A process's role is read again at each sample: a renderer forked from the zygote
 * shows its own command line only once it has started.
 */
export class CpuWatch {
  private readonly first = cpuSnapshot();
  private readonly latest = new Map<number, { role: string; ticks: number }>();
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(intervalMs = 500) {
    this.record(this.first);
    this.timer = setInterval(() => this.record(cpuSnapshot()), intervalMs);
  }

  /** CPU seconds by role since the watch began. */
  stop(): Record<string, number> {
    clearInterval(this.timer);
    this.record(cpuSnapshot());
    return cpuSecondsBetween(this.first, this.latest);
  }

  private record(snapshot: CpuSnapshot): void {
    for (const [pid, { role, ticks }] of snapshot) {
      const seen = this.latest.get(pid);
      this.latest.set(pid, {
        role: role === 'gone' ? (seen?.role ?? role) : role,
        ticks: Math.max(seen?.ticks ?? 0, ticks),
      });
    }
  }
}
