import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { formatBytes, HumanReporter, JsonReporter } from '../../src/cli/reporter';

const sink = () => {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (part: Buffer) => (text += part.toString()));
  return { stream: stream as unknown as NodeJS.WriteStream, text: () => text };
};

describe('what the terminal prints', () => {
  it('--json: one event per line on stdout, nothing else', () => {
    const out = sink();
    const reporter = new JsonReporter(out.stream);
    reporter.report({ event: 'waiting', publicId: 'p1', code: '7F3A' });
    reporter.report({ event: 'exit', code: 0 });
    expect(
      out
        .text()
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as unknown),
    ).toEqual([
      { event: 'waiting', publicId: 'p1', code: '7F3A' },
      { event: 'exit', code: 0 },
    ]);
  });

  it('for people, not on a terminal: sentences on stderr, progress as plain lines every 10 %', () => {
    const err = sink();
    const out = sink();
    const reporter = new HumanReporter(err.stream, out.stream, false);
    reporter.report({ event: 'waiting', publicId: 'p1', code: '7F3A' });
    for (let done = 0; done <= 100; done += 1) {
      reporter.report({
        event: 'progress',
        fileId: 'f',
        name: 'a.bin',
        bytesDone: done * 1024 * 1024,
        size: 100 * 1024 * 1024,
        bytesPerSecond: 5 * 1024 * 1024,
        route: 'p2p',
      });
    }
    reporter.report({
      event: 'download-done',
      fileId: 'f',
      name: 'a.bin',
      to: '/tmp/a.bin',
      size: 100 * 1024 * 1024,
      sha256: 'x',
    });
    const lines = err.text().trim().split('\n');
    expect(lines[0]).toMatch(/Your code is 7F3A/);
    const progress = lines.filter((line) => line.startsWith('a.bin:'));
    expect(progress).toHaveLength(11);
    expect(progress[10]).toBe('a.bin: 100% (100 MiB of 100 MiB, 5.0 MiB/s)');
    expect(lines.at(-1)).toBe('Saved /tmp/a.bin (100 MiB, SHA-256 checked)');
    expect(out.text()).toBe('');
  });

  it('lists on stdout, folders and sizes in binary units', () => {
    const err = sink();
    const out = sink();
    new HumanReporter(err.stream, out.stream, false).report({
      event: 'listed',
      files: [
        { fileId: 'a', name: 'a.bin', size: 1536, owner: 'o', ownerName: 'Ana', kind: 'file' },
        { fileId: 'b', name: 'empty', path: 'trip/empty', size: 0, owner: 'o', ownerName: 'Ana', kind: 'folder' },
      ],
    });
    expect(out.text()).toBe('  1.5 KiB  a.bin  (from Ana, id a)\nfolder  trip/empty  (from Ana, id b)\n');
    expect(formatBytes(200 * 1024 * 1024)).toBe('200 MiB');
  });
});
