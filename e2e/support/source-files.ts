import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Room } from './room.js';

// Files a test shares: random bytes on disk (so a wrong byte anywhere shows in the hash, and the
// owner can pick the very same file again after a reload), with their SHA-256 known up front.

export const MIB = 1024 * 1024;

export interface SourceFile {
  readonly name: string;
  readonly path: string;
  readonly sizeBytes: number;
  readonly sha256: string;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** SHA-256 of a file on disk, streamed. */
export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const piece of createReadStream(path)) hash.update(piece as Buffer);
  return hash.digest('hex');
}

/** A file of `sizeBytes` random bytes in a new temp directory of the room. */
export async function randomFile(room: Room, name: string, sizeBytes: number): Promise<SourceFile> {
  const path = join(await room.makeTempDir(), name);
  const bytes = randomBytes(sizeBytes);
  await writeFile(path, bytes);
  return { name, path, sizeBytes, sha256: sha256Hex(bytes) };
}

export interface SourceFolder {
  /** The folder on disk, for setInputFiles on the "Add folder" input. */
  readonly path: string;
  readonly name: string;
  /** By path relative to the folder ("day1/map.bin"). */
  readonly files: ReadonlyMap<string, SourceFile>;
}

/** A folder of random files: {'day1/map.bin': 1000} -> <tmp>/<name>/day1/map.bin. */
export async function randomFolder(room: Room, name: string, sizes: Record<string, number>): Promise<SourceFolder> {
  const folder = join(await room.makeTempDir(), name);
  const files = new Map<string, SourceFile>();
  for (const [relativePath, sizeBytes] of Object.entries(sizes)) {
    const path = join(folder, relativePath);
    await mkdir(dirname(path), { recursive: true });
    const bytes = randomBytes(sizeBytes);
    await writeFile(path, bytes);
    files.set(relativePath, {
      name: relativePath.split('/').pop() ?? relativePath,
      path,
      sizeBytes,
      sha256: sha256Hex(bytes),
    });
  }
  return { path: folder, name, files };
}
