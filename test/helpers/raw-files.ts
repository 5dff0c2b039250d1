/**
 * Small synthetic camera RAW files that carry real JPEGs where each maker puts its previews: TIFF
 * directories (DNG, NEF, CR2, ARW, PEF, ORF, RW2), ISO-BMFF tracks (CR3) and Fujifilm's RAF header.
 * No sensor data, only stand-ins for it (a lossless-JPEG header, zeros): the tool never develops RAW.
 */

/** One TIFF field: numbers (SHORT/LONG), text (ASCII), bytes stored elsewhere, or directories. */
export type TiffValue =
  | { short: number[] }
  | { long: number[] }
  | { ascii: string }
  | { undefined: Buffer }
  /** A LONG holding the offset of these bytes, written after the directory. */
  | { offsetOf: Buffer }
  /** LONG offsets of sub-directories (SubIFDs, the EXIF directory). */
  | { directories: TiffDirectory[] };

export type TiffDirectory = [tag: number, value: TiffValue][];

export interface TiffOptions {
  /** The 16-bit number after the byte order: 42 for TIFF, 0x4f52 "RO" for ORF, 0x55 for RW2. */
  magic?: number;
}

/** A little-endian TIFF file: IFD0, then the next directories of its chain. */
export function tiffFile(chain: TiffDirectory[], options: TiffOptions = {}): Buffer {
  const chunks: Buffer[] = [];
  let end = 0;
  const append = (bytes: Buffer): number => {
    const at = end;
    chunks.push(bytes);
    end += bytes.length;
    if (end % 2 === 1) append(Buffer.alloc(1)); // TIFF offsets are word-aligned
    return at;
  };
  const header = Buffer.alloc(8);
  header.write('II', 0, 'latin1');
  header.writeUInt16LE(options.magic ?? 42, 2);
  append(header);

  const tables = new Map<number, Buffer>();
  const place = (directory: TiffDirectory): number => {
    const sorted = [...directory].sort((a, b) => a[0] - b[0]);
    const table = Buffer.alloc(2 + sorted.length * 12 + 4);
    const at = append(table);
    tables.set(at, table);
    table.writeUInt16LE(sorted.length, 0);
    sorted.forEach(([tag, value], index) => {
      const entry = 2 + index * 12;
      table.writeUInt16LE(tag, entry);
      const { type, count, bytes } = encode(value, place, append);
      table.writeUInt16LE(type, entry + 2);
      table.writeUInt32LE(count, entry + 4);
      if (bytes.length <= 4) bytes.copy(table, entry + 8);
      else table.writeUInt32LE(append(bytes), entry + 8);
    });
    return at;
  };
  let previous: Buffer | undefined;
  for (const directory of chain) {
    const at = place(directory);
    if (previous) previous.writeUInt32LE(at, previous.length - 4);
    else header.writeUInt32LE(at, 4);
    previous = tables.get(at);
  }
  return Buffer.concat(chunks);
}

function encode(value: TiffValue, place: (directory: TiffDirectory) => number, append: (bytes: Buffer) => number): { type: number; count: number; bytes: Buffer } {
  const longs = (numbers: number[]) => {
    const bytes = Buffer.alloc(4 * numbers.length);
    numbers.forEach((number, index) => bytes.writeUInt32LE(number, 4 * index));
    return bytes;
  };
  if ('short' in value) {
    const bytes = Buffer.alloc(2 * value.short.length);
    value.short.forEach((number, index) => bytes.writeUInt16LE(number, 2 * index));
    return { type: 3, count: value.short.length, bytes };
  }
  if ('long' in value) return { type: 4, count: value.long.length, bytes: longs(value.long) };
  if ('ascii' in value) return { type: 2, count: value.ascii.length + 1, bytes: Buffer.from(`${value.ascii}\0`, 'latin1') };
  if ('undefined' in value) return { type: 7, count: value.undefined.length, bytes: value.undefined };
  if ('offsetOf' in value) return { type: 4, count: 1, bytes: longs([append(value.offsetOf)]) };
  const offsets = value.directories.map(place);
  return { type: offsets.length === 1 ? 13 : 4, count: offsets.length, bytes: longs(offsets) };
}

/** The start of a lossless JPEG (SOF3): how DNG and CR2 store sensor data; not a picture. */
export function losslessJpegStandIn(): Buffer {
  return Buffer.from([0xff, 0xd8, 0xff, 0xc3, 0x00, 0x0b, 0x0e, 0x0f, 0xa0, 0x17, 0x70, 0x01, 0x01, 0x11, 0x00, 0xff, 0xda, 0x00, 0x08, 0x01, 0x01, 0x00, 0x01, 0x00, 0x00, 0x12, 0x34, 0xff, 0xd9]);
}

export interface RawParts {
  /** The full-size preview: the JPEG a RAW photo must be hashed from. */
  preview: Buffer;
  /** A small EXIF-style thumbnail (160 × 120) that must be passed over. */
  thumbnail: Buffer;
  make: string;
  model: string;
  /** EXIF orientation of the RAW file (1 when not given). */
  orientation?: number;
}

const PREVIEW_AS_JPEG_POINTER = (jpeg: Buffer): TiffDirectory => [
  [0x0201, { offsetOf: jpeg }],
  [0x0202, { long: [jpeg.length] }],
];

const camera = (parts: RawParts): TiffDirectory => [
  [0x010f, { ascii: parts.make }],
  [0x0110, { ascii: parts.model }],
  [0x0112, { short: [parts.orientation ?? 1] }],
];

/** Each RAW format as its maker lays it out, preview and thumbnail in their usual places. */
export const RAW_LAYOUTS: Record<string, (parts: RawParts) => Buffer> = {
  // DNG: IFD0 is a thumbnail; SubIFDs hold the raw data (lossless JPEG) and a JPEG preview strip.
  dng: (parts) =>
    tiffFile([[
      ...camera(parts),
      [0x00fe, { long: [1] }],
      ...PREVIEW_AS_JPEG_POINTER(parts.thumbnail),
      [0x014a, { directories: [
        [[0x00fe, { long: [0] }], [0x0103, { short: [7] }], [0x0106, { short: [32803] }], [0x0111, { offsetOf: losslessJpegStandIn() }], [0x0117, { long: [losslessJpegStandIn().length] }]],
        [[0x00fe, { long: [1] }], [0x0103, { short: [7] }], [0x0111, { offsetOf: parts.preview }], [0x0117, { long: [parts.preview.length] }]],
      ] }],
    ]]),
  // NEF: the full-size JpgFromRaw in a SubIFD, by JPEGInterchangeFormat; the thumbnail in IFD0's chain.
  nef: (parts) =>
    tiffFile([
      [...camera(parts), [0x014a, { directories: [PREVIEW_AS_JPEG_POINTER(parts.preview), [[0x0103, { short: [34713] }]]] }]],
      PREVIEW_AS_JPEG_POINTER(parts.thumbnail),
    ]),
  // CR2: IFD0's single strip is the full-size JPEG (compression 6); IFD1 the thumbnail; IFD3 raw.
  cr2: (parts) =>
    tiffFile([
      [...camera(parts), [0x0103, { short: [6] }], [0x0111, { offsetOf: parts.preview }], [0x0117, { long: [parts.preview.length] }]],
      PREVIEW_AS_JPEG_POINTER(parts.thumbnail),
      [[0x0103, { short: [6] }], [0x0111, { offsetOf: losslessJpegStandIn() }], [0x0117, { long: [losslessJpegStandIn().length] }]],
    ]),
  // ARW: IFD0 names the preview by JPEGInterchangeFormat; IFD1 the thumbnail.
  arw: (parts) => tiffFile([[...camera(parts), ...PREVIEW_AS_JPEG_POINTER(parts.preview)], PREVIEW_AS_JPEG_POINTER(parts.thumbnail)]),
  // PEF: the thumbnail by pointer, the large preview inside the maker note (found by its markers).
  pef: (parts) =>
    tiffFile([[
      ...camera(parts),
      ...PREVIEW_AS_JPEG_POINTER(parts.thumbnail),
      [0x8769, { directories: [[[0x927c, { undefined: Buffer.concat([Buffer.from('AOC\0II'), Buffer.alloc(64, 0x11), parts.preview, Buffer.alloc(32, 0x22)]) }]]] }],
    ]]),
  // ORF: "IIRO" magic; the preview inside the Olympus maker note.
  orf: (parts) =>
    tiffFile([[
      ...camera(parts),
      [0x8769, { directories: [[[0x927c, { undefined: Buffer.concat([Buffer.from('OLYMPUS\0II\x03\0', 'latin1'), Buffer.alloc(40, 0x33), parts.thumbnail, Buffer.alloc(24), parts.preview]) }]]] }],
    ]], { magic: 0x4f52 }),
  // RW2: "IIU\0" magic; the whole JPEG is the value of tag 0x2e (JpgFromRaw).
  rw2: (parts) => tiffFile([[...camera(parts), [0x002e, { undefined: parts.preview }]]], { magic: 0x55 }),
  cr3: (parts) => cr3File(parts),
  raf: (parts) => rafFile(parts),
};

const u32 = (value: number) => {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value);
  return bytes;
};
const box = (type: string, ...parts: Buffer[]) => {
  const payload = Buffer.concat(parts);
  return Buffer.concat([u32(8 + payload.length), Buffer.from(type, 'latin1'), payload]);
};

/**
 * CR3: `moov` holds Canon's uuid box (CMT1 = IFD0, CMT2 = EXIF, each a TIFF structure) and one
 * track per picture; track 1's sample is the full-size JPEG in `mdat`, track 2 stands in for raw data.
 */
function cr3File(parts: RawParts): Buffer {
  const cmt1 = tiffFile([camera(parts)]);
  const cmt2 = tiffFile([[[0x9003, { ascii: '2023:05:06 07:08:09' }]]]);
  const raw = Buffer.alloc(256, 0x5a);
  const sampleTable = (size: number, offset: number) =>
    box('stbl', box('stsz', Buffer.alloc(4), u32(size), u32(1)), box('co64', Buffer.alloc(4), u32(1), Buffer.alloc(4), u32(offset)));
  const track = (size: number, offset: number) => box('trak', box('mdia', box('minf', sampleTable(size, offset))));
  const canon = box('uuid', Buffer.from('85c0b687820f11e08111f4ce462b6a48', 'hex'), box('CMT1', cmt1), box('CMT2', cmt2));
  const ftyp = box('ftyp', Buffer.from('crx '), u32(1), Buffer.from('crx isom'));
  const moovWith = (mdatStart: number) => box('moov', canon, track(parts.preview.length, mdatStart), track(raw.length, mdatStart + parts.preview.length));
  const moovSize = moovWith(0).length;
  const mdatStart = ftyp.length + moovSize + 8;
  return Buffer.concat([ftyp, moovWith(mdatStart), box('mdat', parts.preview, raw)]);
}

/** RAF: a fixed header whose bytes 84-91 give the JPEG's offset and length (big-endian). */
function rafFile(parts: RawParts): Buffer {
  const header = Buffer.alloc(160);
  header.write('FUJIFILMCCD-RAW 0201FF383501', 0, 'latin1');
  header.write(parts.model, 28, 'latin1');
  header.writeUInt32BE(header.length, 84);
  header.writeUInt32BE(parts.preview.length, 88);
  return Buffer.concat([header, parts.preview, Buffer.alloc(128, 0x44)]);
}
