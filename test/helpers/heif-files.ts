/**
 * HEIF files made for tests from a real HEVC-coded image (a small fixture): the same coded picture
 * wrapped with what phones add around it — a thumbnail item, `irot`/`imir` transforms, an EXIF
 * item — so each behaviour is tested without shipping megabytes of phone photos.
 */

export interface HevcImage {
  /** The whole `hvcC` property box (decoder configuration). */
  hvcC: Buffer;
  /** The coded picture (the item's data). */
  data: Buffer;
  width: number;
  height: number;
}

interface Box {
  type: string;
  start: number;
  end: number;
  payload: number;
}

function* boxes(bytes: Buffer, start: number, end: number): Generator<Box> {
  for (let at = start; at + 8 <= end; ) {
    const size = bytes.readUInt32BE(at);
    if (size < 8) return;
    yield { type: bytes.toString('latin1', at + 4, at + 8), start: at, end: at + size, payload: at + 8 };
    at += size;
  }
}

function child(bytes: Buffer, parent: { payload: number; end: number }, type: string, skip = 0): Box {
  for (const box of boxes(bytes, parent.payload + skip, parent.end)) if (box.type === type) return box;
  throw new Error(`no ${type} box`);
}

/** The primary item of a single-image HEIF whose first hvcC and ispe properties are its own (as in the fixture). */
export function primaryHevcImage(file: Buffer): HevcImage {
  const meta = child(file, { payload: 0, end: file.length }, 'meta');
  const ipco = child(file, child(file, meta, 'iprp', 4), 'ipco');
  const hvcC = child(file, ipco, 'hvcC');
  const ispe = child(file, ipco, 'ispe');
  const primary = file.readUInt16BE(child(file, meta, 'pitm', 4).payload + 4);
  const iloc = child(file, meta, 'iloc', 4);
  const version = file[iloc.payload] ?? 0;
  const sizes = file[iloc.payload + 4] ?? 0;
  const baseSizes = file[iloc.payload + 5] ?? 0;
  const [offsetSize, lengthSize, baseSize, indexSize] = [sizes >> 4, sizes & 15, baseSizes >> 4, version >= 1 ? baseSizes & 15 : 0];
  const read = (at: number, size: number) => (size === 0 ? 0 : size === 4 ? file.readUInt32BE(at) : Number(file.readBigUInt64BE(at)));
  let at = iloc.payload + 6;
  const count = file.readUInt16BE(at);
  at += 2;
  for (let index = 0; index < count; index++) {
    const id = file.readUInt16BE(at);
    at += 2 + (version >= 1 ? 2 : 0) + 2;
    const base = read(at, baseSize);
    at += baseSize;
    const extents = file.readUInt16BE(at);
    at += 2;
    for (let extent = 0; extent < extents; extent++) {
      at += indexSize;
      const offset = read(at, offsetSize);
      const length = read(at + offsetSize, lengthSize);
      at += offsetSize + lengthSize;
      if (id === primary) {
        return {
          hvcC: file.subarray(hvcC.start, hvcC.end),
          data: file.subarray(base + offset, base + offset + length),
          width: file.readUInt32BE(ispe.payload + 4),
          height: file.readUInt32BE(ispe.payload + 8),
        };
      }
    }
  }
  throw new Error('no data for the primary item');
}

export interface HeifParts {
  image: HevcImage;
  thumbnail?: HevcImage;
  /** Anti-clockwise quarter turns (`irot`), applied to the primary image and its thumbnail. */
  rotate?: 0 | 1 | 2 | 3;
  /** `imir` axis, as libheif and the current HEIF edition read it: 0 mirrors top and bottom, 1 left and right. After the rotation. */
  mirror?: 0 | 1;
  /** A bare TIFF-structured EXIF block for an `Exif` item. */
  exif?: Buffer;
}

const u8 = (value: number) => Buffer.from([value]);
const u16 = (value: number) => Buffer.from([value >> 8, value & 255]);
const u32 = (value: number) => {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value);
  return bytes;
};
const box = (type: string, ...parts: Buffer[]) => {
  const payload = Buffer.concat(parts);
  return Buffer.concat([u32(8 + payload.length), Buffer.from(type, 'latin1'), payload]);
};
const fullBox = (type: string, version: number, ...parts: Buffer[]) => box(type, u8(version), Buffer.alloc(3), ...parts);

/** A HEIF file: the primary item 1, the thumbnail item 2, the EXIF item 3, each present when asked for. */
export function buildHeif(parts: HeifParts): Buffer {
  const items: { id: number; type: string; data: Buffer }[] = [{ id: 1, type: 'hvc1', data: parts.image.data }];
  if (parts.thumbnail) items.push({ id: 2, type: 'hvc1', data: parts.thumbnail.data });
  if (parts.exif) items.push({ id: 3, type: 'Exif', data: Buffer.concat([u32(0), parts.exif]) });

  const properties: Buffer[] = [];
  const property = (bytes: Buffer) => properties.push(bytes);
  const ispe = (image: HevcImage) => fullBox('ispe', 0, u32(image.width), u32(image.height));
  const transforms: number[] = [];
  if (parts.rotate) transforms.push(property(box('irot', u8(parts.rotate))));
  if (parts.mirror !== undefined) transforms.push(property(box('imir', u8(parts.mirror))));
  const associations = new Map<number, number[]>([[1, [property(parts.image.hvcC) | 0x80, property(ispe(parts.image)), ...transforms.map((index) => index | 0x80)]]]);
  if (parts.thumbnail) associations.set(2, [property(parts.thumbnail.hvcC) | 0x80, property(ispe(parts.thumbnail)), ...transforms.map((index) => index | 0x80)]);

  const references: Buffer[] = [];
  if (parts.thumbnail) references.push(box('thmb', u16(2), u16(1), u16(1)));
  if (parts.exif) references.push(box('cdsc', u16(3), u16(1), u16(1)));

  const metaWith = (dataStart: number) => {
    let offset = dataStart;
    const locations = items.map((item) => {
      const entry = Buffer.concat([u16(item.id), u16(0), u16(1), u32(offset), u32(item.data.length)]);
      offset += item.data.length;
      return entry;
    });
    return fullBox(
      'meta',
      0,
      fullBox('hdlr', 0, u32(0), Buffer.from('pict'), Buffer.alloc(12), u8(0)),
      fullBox('pitm', 0, u16(1)),
      fullBox('iloc', 0, u8(0x44), u8(0), u16(items.length), ...locations),
      fullBox('iinf', 0, u16(items.length), ...items.map((item) => fullBox('infe', 2, u16(item.id), u16(0), Buffer.from(item.type, 'latin1'), u8(0)))),
      ...(references.length > 0 ? [fullBox('iref', 0, ...references)] : []),
      box(
        'iprp',
        box('ipco', ...properties),
        fullBox('ipma', 0, u32(associations.size), ...[...associations].map(([id, list]) => Buffer.concat([u16(id), u8(list.length), ...list.map(u8)]))),
      ),
    );
  };
  const ftyp = box('ftyp', Buffer.from('heic'), u32(0), Buffer.from('mif1heic'));
  // The meta box's size does not depend on the offsets it holds: measure once, then write.
  const metaSize = metaWith(0).length;
  const mdatPayload = Buffer.concat(items.map((item) => item.data));
  return Buffer.concat([ftyp, metaWith(ftyp.length + metaSize + 8), box('mdat', mdatPayload)]);
}
