import { MultiBar, type SingleBar } from 'cli-progress';
import type { CliEvent, Reporter } from './events';

const UNITS = ['KiB', 'MiB', 'GiB', 'TiB'] as const;

/** Binary units, as the apps show them ("200 MiB"). */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${UNITS[unit]}`;
}

const rate = (bytesPerSecond: number) => `${formatBytes(Math.round(bytesPerSecond))}/s`;

/** --json: one event per line on stdout, nothing else there. */
export class JsonReporter implements Reporter {
  constructor(private readonly out: NodeJS.WritableStream = process.stdout) {}

  report(event: CliEvent): void {
    this.out.write(`${JSON.stringify(event)}\n`);
  }

  close(): void {}
}

/**
 * For people: what happens, in sentences, on stderr; the list (--list) on stdout. On a terminal,
 * one progress bar per transfer (cli-progress); otherwise plain lines at most every 10 % or 10 s.
 */
export class HumanReporter implements Reporter {
  private readonly bars = new Map<string, SingleBar>();
  private multi: MultiBar | null = null;
  private readonly lastLine = new Map<string, { atMs: number; percent: number }>();

  constructor(
    private readonly err: NodeJS.WriteStream = process.stderr,
    private readonly out: NodeJS.WritableStream = process.stdout,
    private readonly isTty: boolean = Boolean(process.stderr.isTTY),
  ) {}

  report(event: CliEvent): void {
    switch (event.event) {
      case 'connecting':
        return this.say(`Joining the room at ${event.room}…`);
      case 'waiting':
        return this.say(
          `Waiting for the host to let you in. Your code is ${event.code}: the host sees it beside your name.`,
        );
      case 'admitted':
        return this.say(event.resumed ? 'Back in the room.' : 'The host let you in.');
      case 'hashing':
        return this.progressLine('hashing', 'Preparing', event.bytesDone, event.totalBytes);
      case 'shared':
        for (const refused of event.refused) this.say(`Not shared: ${refused.path}: ${refused.reason}`);
        return this.say(
          `Sharing ${event.files.length} ${event.files.length === 1 ? 'file' : 'files'} ` +
            `(${formatBytes(event.files.reduce((sum, f) => sum + f.size, 0))}). Keep this running while people download; Ctrl-C stops.`,
        );
      case 'serving':
        return this.bar(
          `up:${event.fileId}:${event.to}`,
          `${event.name} → ${event.to}`,
          event.bytesServed,
          event.size,
          event.bytesPerSecond,
        );
      case 'unshared':
        return this.say(`Stopped sharing ${event.name}: ${event.reason}`);
      case 'listed':
        this.out.write(
          event.files.length === 0
            ? 'The room shares nothing yet.\n'
            : `${event.files
                .map(
                  (f) =>
                    `${f.kind === 'folder' ? 'folder' : formatBytes(f.size).padStart(9)}  ${f.path ?? f.name}  (from ${f.ownerName}, id ${f.fileId})`,
                )
                .join('\n')}\n`,
        );
        return;
      case 'download-started':
        return this.say(
          event.resumedBytes > 0
            ? `Resuming ${event.name} (${formatBytes(event.resumedBytes)} of ${formatBytes(event.size)} already here` +
                `${event.damagedChunks > 0 ? `; ${event.damagedChunks} damaged chunks fetched again` : ''}) → ${event.to}`
            : `Downloading ${event.name} (${formatBytes(event.size)}) → ${event.to}`,
        );
      case 'progress':
        return this.bar(`down:${event.fileId}`, event.name, event.bytesDone, event.size, event.bytesPerSecond);
      case 'download-done':
        this.endBar(`down:${event.fileId}`);
        return this.say(`Saved ${event.to} (${formatBytes(event.size)}, SHA-256 checked)`);
      case 'download-failed':
        this.endBar(`down:${event.fileId}`);
        return this.say(`Failed: ${event.name}: ${event.error}`);
      case 'notice':
        return this.say(event.message);
      case 'exit':
        if (event.message) this.say(event.message);
        return;
    }
  }

  close(): void {
    this.multi?.stop();
    this.multi = null;
    this.bars.clear();
  }

  private say(line: string): void {
    if (this.multi) this.multi.log(`${line}\n`);
    else this.err.write(`${line}\n`);
  }

  private bar(key: string, label: string, done: number, total: number, bytesPerSecond: number): void {
    if (!this.isTty) return this.progressLine(key, label, done, total, bytesPerSecond);
    this.multi ??= new MultiBar({
      stream: this.err,
      format: ' {bar} {percentage}% | {label} | {doneText} of {totalText} | {rateText}',
      hideCursor: true,
      clearOnComplete: false,
      fps: 5,
    });
    const payload = {
      label,
      doneText: formatBytes(done),
      totalText: formatBytes(total),
      rateText: rate(bytesPerSecond),
    };
    const existing = this.bars.get(key);
    if (existing) existing.update(done, payload);
    else this.bars.set(key, this.multi.create(Math.max(total, 1), done, payload));
  }

  private endBar(key: string): void {
    const bar = this.bars.get(key);
    if (!bar || !this.multi) return;
    bar.stop();
    this.multi.remove(bar);
    this.bars.delete(key);
  }

  /** Not a terminal: a line when 10 % more is done, or 10 s passed, and at the end. */
  private progressLine(key: string, label: string, done: number, total: number, bytesPerSecond?: number): void {
    const percent = total > 0 ? Math.floor((done / total) * 100) : 100;
    const now = Date.now();
    const last = this.lastLine.get(key);
    if (last && percent < 100 && percent - last.percent < 10 && now - last.atMs < 10_000) return;
    if (last && last.percent === 100 && percent === 100) return;
    this.lastLine.set(key, { atMs: now, percent });
    const speed = bytesPerSecond === undefined ? '' : `, ${rate(bytesPerSecond)}`;
    this.err.write(`${label}: ${percent}% (${formatBytes(done)} of ${formatBytes(total)}${speed})\n`);
  }
}
