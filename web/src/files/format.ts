// Powers of 1024, so named as such (IEC): a 200 MiB file reads "200 MiB", never "200 MB" (which
// would be 5% smaller). "B" alone below 1 KiB.
const UNITS = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

/** A size people read at a glance: "0 B", "512 B", "1.5 KiB", "12 MiB", "3.2 GiB". */
export function formatBytes(sizeBytes: number): string {
  if (!Number.isFinite(sizeBytes) || sizeBytes < 1024) return `${Math.max(0, Math.floor(sizeBytes || 0))} B`;
  let value = sizeBytes;
  let unit = 0;
  value /= 1024;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const rounded = value < 10 ? Math.round(value * 10) / 10 : Math.round(value);
  // 1023.96 KiB rounds to 1024: say 1 MiB instead.
  if (rounded >= 1024 && unit < UNITS.length - 1) return `1 ${UNITS[unit + 1]}`;
  return `${rounded} ${UNITS[unit]}`;
}

const MIME_LABELS: Record<string, string> = {
  image: 'Image',
  video: 'Video',
  audio: 'Audio',
  text: 'Text',
  font: 'Font',
};

/** A short type label: the extension ("PDF", "JPG") or else the MIME family, else "File". */
export function fileTypeLabel(name: string, mime?: string): string {
  const dot = name.lastIndexOf('.');
  if (dot > 0 && dot < name.length - 1) {
    const extension = name.slice(dot + 1);
    if (extension.length <= 8 && /^[A-Za-z0-9]+$/.test(extension)) return extension.toUpperCase();
  }
  if (mime) {
    const family = mime.split('/')[0] ?? '';
    return MIME_LABELS[family] ?? 'File';
  }
  return 'File';
}

/** "1 file", "3 files". */
export function countFiles(count: number): string {
  return count === 1 ? '1 file' : `${count} files`;
}
