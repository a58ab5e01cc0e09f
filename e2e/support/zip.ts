import { crc32, inflateRawSync } from 'node:zlib';

// A small ZIP reader for checking what a folder download saved: it reads the central directory
// (ZIP64 included, as client-zip writes it for large archives) and each entry's bytes. No
// dependency on an `unzip` binary, which a CI image may not have.

export interface ZipEntry {
  /** The path as stored in the archive ("trip/day1/map.bin"). */
  readonly path: string;
  /** 0 stored, 8 deflated. */
  readonly method: number;
  readonly bytes: Buffer;
}

const EOCD_SIGNATURE = 0x06054b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const ZIP64_EXTRA_ID = 0x0001;
const EOCD_MIN_BYTES = 22;
const MAX_COMMENT_BYTES = 0xffff;
const U16_MAX = 0xffff;
const U32_MAX = 0xffffffff;

function fail(message: string): never {
  throw new Error(`not a readable ZIP: ${message}`);
}

function toSafeNumber(value: bigint, what: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) fail(`${what} too large`);
  return Number(value);
}

function findEndOfCentralDirectory(zip: Buffer): number {
  const lowest = Math.max(0, zip.length - EOCD_MIN_BYTES - MAX_COMMENT_BYTES);
  for (let at = zip.length - EOCD_MIN_BYTES; at >= lowest; at--) {
    if (zip.readUInt32LE(at) === EOCD_SIGNATURE) return at;
  }
  return fail('no end of central directory record');
}

interface Directory {
  offset: number;
  count: number;
}

function readDirectory(zip: Buffer): Directory {
  const eocd = findEndOfCentralDirectory(zip);
  const count = zip.readUInt16LE(eocd + 10);
  const offset = zip.readUInt32LE(eocd + 16);
  if (count !== U16_MAX && offset !== U32_MAX) return { offset, count };
  const locator = eocd - 20;
  if (locator < 0 || zip.readUInt32LE(locator) !== ZIP64_LOCATOR_SIGNATURE) fail('ZIP64 sizes without a ZIP64 locator');
  const zip64Eocd = toSafeNumber(zip.readBigUInt64LE(locator + 8), 'ZIP64 record offset');
  if (zip.readUInt32LE(zip64Eocd) !== ZIP64_EOCD_SIGNATURE) fail('bad ZIP64 end of central directory');
  return {
    count: toSafeNumber(zip.readBigUInt64LE(zip64Eocd + 32), 'entry count'),
    offset: toSafeNumber(zip.readBigUInt64LE(zip64Eocd + 48), 'central directory offset'),
  };
}

interface Sizes {
  compressed: number;
  uncompressed: number;
  localOffset: number;
}

/** Replaces the 0xFFFFFFFF placeholders by the ZIP64 extra field's values, in the spec's order. */
function applyZip64Extra(extra: Buffer, sizes: Sizes): Sizes {
  for (let at = 0; at + 4 <= extra.length;) {
    const id = extra.readUInt16LE(at);
    const length = extra.readUInt16LE(at + 2);
    if (id === ZIP64_EXTRA_ID) {
      let field = at + 4;
      const next = (what: string): number => {
        if (field + 8 > at + 4 + length) fail(`ZIP64 extra field lacks the ${what}`);
        const value = toSafeNumber(extra.readBigUInt64LE(field), what);
        field += 8;
        return value;
      };
      const uncompressed = sizes.uncompressed === U32_MAX ? next('uncompressed size') : sizes.uncompressed;
      const compressed = sizes.compressed === U32_MAX ? next('compressed size') : sizes.compressed;
      const localOffset = sizes.localOffset === U32_MAX ? next('local header offset') : sizes.localOffset;
      return { compressed, uncompressed, localOffset };
    }
    at += 4 + length;
  }
  return sizes;
}

/** Every entry of the archive with its bytes, checked against the stored CRC-32 and size. */
export function readZip(zip: Buffer): ZipEntry[] {
  const { offset, count } = readDirectory(zip);
  const entries: ZipEntry[] = [];
  let at = offset;
  for (let index = 0; index < count; index++) {
    if (zip.readUInt32LE(at) !== CENTRAL_SIGNATURE) fail(`central header ${index} has a bad signature`);
    const method = zip.readUInt16LE(at + 10);
    const crc = zip.readUInt32LE(at + 16);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const path = zip.toString('utf8', at + 46, at + 46 + nameLength);
    const extra = zip.subarray(at + 46 + nameLength, at + 46 + nameLength + extraLength);
    const sizes = applyZip64Extra(extra, {
      compressed: zip.readUInt32LE(at + 20),
      uncompressed: zip.readUInt32LE(at + 24),
      localOffset: zip.readUInt32LE(at + 42),
    });
    at += 46 + nameLength + extraLength + commentLength;

    const local = sizes.localOffset;
    if (zip.readUInt32LE(local) !== LOCAL_SIGNATURE) fail(`${path}: bad local header signature`);
    const dataStart = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(dataStart, dataStart + sizes.compressed);
    if (data.length !== sizes.compressed) fail(`${path}: data runs past the end of the archive`);
    let bytes: Buffer;
    if (method === 0) bytes = data;
    else if (method === 8) bytes = inflateRawSync(data);
    else fail(`${path}: compression method ${method} is not supported`);
    if (bytes.length !== sizes.uncompressed)
      fail(`${path}: ${bytes.length} bytes, the directory says ${sizes.uncompressed}`);
    if (crc32(bytes) !== crc) fail(`${path}: CRC-32 mismatch`);
    entries.push({ path, method, bytes });
  }
  return entries;
}
