/**
 * The parts of a Canon CR3 file (ISO base media format) that hold pictures and metadata: each
 * track's first sample (track 1 is the full-size JPEG; the others are raw data, which are not
 * JPEG and are passed over), and the CMT1 / CMT2 boxes (IFD0 and EXIF as TIFF structures).
 */

export interface Cr3Contents {
  samples: { offset: number; size: number }[];
  cmt1?: Buffer;
  cmt2?: Buffer;
}

/** Canon's metadata box inside `moov`. */
const CANON_UUID = '85c0b687820f11e08111f4ce462b6a48';
const CONTAINERS = new Set(['moov', 'trak', 'mdia', 'minf', 'stbl']);
const MAX_BOXES = 10_000;

interface Box {
  type: string;
  /** Where the payload starts and ends (after the size/type/uuid header). */
  start: number;
  end: number;
}

export function cr3Contents(bytes: Buffer): Cr3Contents {
  const contents: Cr3Contents = { samples: [] };
  let budget = MAX_BOXES;
  const visit = (start: number, end: number, track: { size?: number; offset?: number } | undefined): void => {
    for (const box of boxes(bytes, start, end)) {
      if (--budget < 0) return;
      if (box.type === 'trak') {
        const sample: { size?: number; offset?: number } = {};
        visit(box.start, box.end, sample);
        if (sample.size !== undefined && sample.offset !== undefined) contents.samples.push({ offset: sample.offset, size: sample.size });
      } else if (CONTAINERS.has(box.type)) {
        visit(box.start, box.end, track);
      } else if (box.type === 'uuid' && bytes.toString('hex', box.start, box.start + 16) === CANON_UUID) {
        visit(box.start + 16, box.end, track);
      } else if (box.type === 'CMT1') {
        contents.cmt1 = bytes.subarray(box.start, box.end);
      } else if (box.type === 'CMT2') {
        contents.cmt2 = bytes.subarray(box.start, box.end);
      } else if (track && box.type === 'stsz' && box.end - box.start >= 12) {
        // version+flags, then one size for every sample, or 0 and a table.
        const uniform = bytes.readUInt32BE(box.start + 4);
        track.size = uniform !== 0 ? uniform : box.end - box.start >= 16 ? bytes.readUInt32BE(box.start + 12) : undefined;
      } else if (track && box.type === 'co64' && box.end - box.start >= 16) {
        track.offset = Number(bytes.readBigUInt64BE(box.start + 8));
      } else if (track && box.type === 'stco' && box.end - box.start >= 12) {
        track.offset = bytes.readUInt32BE(box.start + 8);
      }
    }
  };
  visit(0, bytes.length, undefined);
  return contents;
}

/** The boxes between `start` and `end`; a box whose size runs past its parent ends the list. */
function* boxes(bytes: Buffer, start: number, end: number): Generator<Box> {
  let at = start;
  while (at + 8 <= end) {
    let size = bytes.readUInt32BE(at);
    let header = 8;
    if (size === 1) {
      if (at + 16 > end) return;
      size = Number(bytes.readBigUInt64BE(at + 8));
      header = 16;
    } else if (size === 0) {
      size = end - at;
    }
    if (size < header || at + size > end) return;
    yield { type: bytes.toString('latin1', at + 4, at + 8), start: at + header, end: at + size };
    at += size;
  }
}
