/**
 * Why the disk layer refused, as a machine code the CLI turns into a sentence (like TransferError
 * in the engine: tests assert the code, never the prose).
 */
export type DiskErrorCode =
  /** The file to write is already there, and overwriting was not asked for. */
  | 'TARGET_EXISTS'
  /** The path would end outside the output folder (a symbolic link in an existing folder, say). */
  | 'OUTSIDE_FOLDER'
  /** A folder of the path exists as something else (a file of that name). */
  | 'NOT_A_FOLDER';

export class DiskError extends Error {
  override readonly name = 'DiskError';

  constructor(
    readonly code: DiskErrorCode,
    /** The path concerned, as it is on this machine. */
    readonly path: string,
    options: { cause?: unknown } = {},
  ) {
    super(`${code}: ${path}`, options);
  }
}
