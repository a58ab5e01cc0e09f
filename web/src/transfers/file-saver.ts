/** A place the person chose to save one download (the File System Access API where available). */
export interface SaveTarget {
  /** Writes the parts in order and closes the file; throws if it cannot. */
  writeParts(parts: readonly Blob[]): Promise<void>;
  writeStream(stream: ReadableStream<Uint8Array>): Promise<void>;
}

/** How a checked download becomes a file on the person's disk. */
export interface FileSaver {
  /**
   * Asks where to save, while the click that started the download still counts as a user
   * gesture (browsers refuse the picker without one). null: no picker here, or none chosen, so
   * the download is saved the default way when it is done.
   */
  chooseTarget(suggestedName: string): Promise<SaveTarget | null>;
  /** The default way: a Blob of the parts (stored chunks, not copied into memory) and a download link. */
  saveParts(name: string, parts: readonly Blob[], mime: string | undefined): Promise<void>;
  saveStream(name: string, stream: ReadableStream<Uint8Array>, mime: string): Promise<void>;
}
