/** Thumbnails, originals and the minimal multipart upload (`POST /assets`). */
import { createHash, randomUUID } from 'node:crypto';
import { HttpError, json, type Reply, type RequestContext } from '../http.js';
import type { JobQueue } from '../jobs.js';
import type { RouteDef } from '../router.js';
import { mimeFromName } from '../state.js';
import { makeImmichPreview, makeImmichThumbnail, readImageInfo } from '../thumbnail.js';
import type { FakeAsset, FakeMedia } from '../types.js';
import { requireReadableAsset, viewableAsset } from './access.js';

const CACHE_CONTROL = 'private, max-age=86400, no-transform, stale-while-revalidate=2592000, stale-if-error=2592000';
const mediaNotFound = (): HttpError => new HttpError(404, { message: 'Asset media not found' });

function sendMedia(asset: FakeAsset, media: FakeMedia, suffix: string): Reply {
  const base = asset.originalFileName.replace(/\.[^.]*$/, '');
  const ext = media.contentType.split('/')[1] ?? 'bin';
  return {
    status: 200,
    body: media.bytes,
    contentType: media.contentType,
    headers: { 'cache-control': CACHE_CONTROL, 'content-disposition': `inline; filename*=UTF-8''${encodeURIComponent(`${base}${suffix}.${ext}`)}` },
  };
}

function thumbnail(ctx: RequestContext, faults404: Set<string>): Reply {
  const asset = requireReadableAsset(ctx, ctx.params.id ?? '', 'asset.view');
  const size = ctx.query.get('size') ?? 'thumbnail';
  if (faults404.has(asset.id)) throw mediaNotFound();
  // fullsize/original of browser-friendly images end up as the original file (after a redirect in Immich).
  const media = size === 'thumbnail' ? asset.thumbnail : size === 'preview' ? asset.preview : asset.original;
  if (!media) throw mediaNotFound();
  return sendMedia(asset, media, size === 'thumbnail' || size === 'preview' ? `_${size}` : '');
}

/** Parses the multipart form with undici's FormData parser (Node's built-in `Response`). */
async function upload(ctx: RequestContext, jobs: JobQueue): Promise<Reply> {
  const form = await new Response(new Uint8Array(ctx.rawBody), { headers: { 'content-type': String(ctx.headers['content-type'] ?? '') } }).formData();
  const file = form.get('assetData');
  const fileCreatedAt = form.get('fileCreatedAt');
  if (!(file instanceof Blob) || typeof fileCreatedAt !== 'string') {
    throw new HttpError(400, { message: 'Validation failed', errors: [{ expected: 'file', code: 'invalid_type', path: ['assetData'], message: 'Invalid input' }] });
  }
  const bytes = Buffer.from(await file.arrayBuffer());
  const checksum = createHash('sha1').update(bytes).digest('base64');
  for (const existing of ctx.state.assets.values()) {
    if (existing.ownerId === ctx.user.id && existing.checksum === checksum) return json(200, { status: 'duplicate', id: existing.id });
  }
  const name = 'name' in file && typeof file.name === 'string' ? file.name : 'upload.bin';
  const fileModifiedAt = form.get('fileModifiedAt');
  const id = randomUUID();
  const hex = createHash('sha1').update(id).digest('hex');
  const asset = ctx.state.addAsset({
    id, ownerId: ctx.user.id, originalFileName: name, checksum, fileCreatedAt: new Date(fileCreatedAt).toISOString(),
    fileModifiedAt: typeof fileModifiedAt === 'string' ? new Date(fileModifiedAt).toISOString() : new Date(fileCreatedAt).toISOString(),
    originalPath: `/data/upload/${ctx.user.id}/${hex.slice(0, 2)}/${hex.slice(2, 4)}/${randomUUID()}${name.slice(name.lastIndexOf('.'))}`,
    original: { bytes, contentType: mimeFromName(name) },
    exif: { fileSizeInByte: bytes.length },
  });
  // Like Immich, metadata and thumbnails arrive a little later (404 "Asset media not found" until then).
  jobs.run(async () => {
    const info = await readImageInfo(bytes);
    const [thumb, preview] = await Promise.all([makeImmichThumbnail(bytes), makeImmichPreview(bytes)]);
    Object.assign(asset, { width: info.width, height: info.height, thumbhash: createHash('sha1').update(thumb).digest('base64').slice(0, 28) });
    if (asset.exif) Object.assign(asset.exif, { exifImageWidth: info.storedWidth, exifImageHeight: info.storedHeight, orientation: info.orientation });
    asset.thumbnail = { bytes: thumb, contentType: 'image/webp' };
    asset.preview = { bytes: preview, contentType: 'image/jpeg' };
    // Immich's asset table has an updatedAt trigger: the job's thumbhash write moves updatedAt, so an
    // `updatedAfter` poll finds the asset again once it has its thumbnail.
    asset.updatedAt = new Date().toISOString();
  });
  return json(201, { id: asset.id, status: 'created' });
}

export function mediaRoutes(jobs: JobQueue, faults404: Set<string>): RouteDef[] {
  return [
    { method: 'GET', template: '/assets/{id}/thumbnail', handler: (ctx) => thumbnail(ctx, faults404) },
    {
      method: 'GET',
      template: '/assets/{id}/original',
      handler: (ctx) => {
        // v3's file sender turns every failure here, access included, into 404 "Not Found".
        const asset = viewableAsset(ctx, ctx.params.id ?? '');
        if (!asset?.original) throw new HttpError(404, { message: 'Not Found' });
        return sendMedia(asset, asset.original, '');
      },
    },
    { method: 'POST', template: '/assets', capability: 'upload', handler: (ctx) => upload(ctx, jobs) },
  ];
}
