/**
 * A faithful fake Immich server (v3.1.0 behaviour by default) for integration and end-to-end tests.
 * It is checked against real recorded exchanges (test/fixtures/immich/recorded, see
 * test/integration/fake-immich-conformance.test.ts) and validates every request against the OpenAPI document.
 *
 * START / STOP
 *   const fake = await startFakeImmich({ pathPrefix?, version?, capabilities?, strictValidation?, ... });
 *   fake.url      // 'http://127.0.0.1:<port>' (+ pathPrefix) — the client appends '/api'
 *   fake.apiUrl   // fake.url + '/api'
 *   await fake.close();
 *
 * SEEDING (fake.state is a FakeState; everything is plain in-memory data, changeable at any time)
 *   const { user, key } = fake.seedUser();                       // admin + key with ['all']
 *   const ro = fake.addKey(user.id, ['asset.read']);             // narrower key → 403 "Missing required permission: x"
 *   const thumb = await makeImmichThumbnail(jpegBuffer);         // WebP, short side 250, upright, never enlarged
 *   const a = fake.state.addAsset({ ownerId: user.id, originalFileName: 'a.jpg', checksum: '<base64 sha1>',
 *     fileCreatedAt: '2024-05-01T10:00:00.000Z', width: 512, height: 320, thumbnail: thumb,
 *     exif: { fileSizeInByte: 30551 }, isFavorite?, visibility?, trashed?, libraryId?, duplicateId?, original? });
 *   fake.state.addManyAssets(20_000, { ownerId: user.id, thumbnails: [thumbA, thumbB] });  // fast, shared buffers
 *   fake.state.upsertTag(user.id, 'a/b'); fake.state.tagAsset(tagId, assetId);
 *   fake.state.addAlbum({ ownerId, albumName, assetIds }); fake.state.addStack(ownerId, [primary, ...]);
 *   fake.state.addPartner(otherUser.id, user.id, inTimeline?);   // other user shares with user; in user's search while inTimeline (default true)
 *   fake.state.shareAlbum(albumId, otherUser.id, 'viewer');      // an album shared with another user (GET /albums, albumIds search, asset access)
 *   fake.state.setMetadata(assetId, 'key', { ... });             // asset metadata (3.x routes /assets/{id}/metadata, /assets/metadata)
 *   fake.state.trashDays = 30; fake.state.purgeTrash(now?);      // Immich's trash retention: trashed longer than trashDays → deleted
 *
 * INSPECTING
 *   fake.requests(filter?)  fake.thumbnailRequests()  fake.writeRequests()  fake.clearRequests()
 *   fake.peakInFlight()   // most requests handled at once (counted from arrival until the response closes)
 *     → RecordedRequest {method, path, apiPath, query, headers (x-api-key redacted), body, status, operationId, violations, fault}
 *   fake.violations()  // OpenAPI violations (unknown body fields and query params count). Assert `toEqual([])`.
 *   await fake.waitForJobs()  // after POST /api/assets uploads: thumbnails are generated in the background
 *
 * FAULTS (fake.faults, changeable at runtime; `match` narrows a rule by {method, apiPath, index})
 *   fake.faults.setLatency(5)
 *   fake.faults.failRandomly(0.1, { statuses: [500, 503], seed: 1, match? })
 *   fake.faults.rateLimit(times, retryAfterSeconds, match?)     // 429 + Retry-After
 *   fake.faults.add({ kind: 'reset' | 'truncate' | 'malformed-json', match?, times? })
 *   fake.faults.add({ kind: 'stall', ms: 2000, match?, times? })
 *   fake.faults.add({ kind: 'forget', match?, times? })            // answered as done, then the change is dropped
 *   fake.faults.add({ kind: 'status', status: 502, body?, headers?, match?, times? })
 *   fake.faults.thumbnail404.add(assetId)                          // 404 "Asset media not found"
 *   await fake.goAway(); await fake.comeBack();                    // same port
 *   fake.faults.clear()
 *
 * VERSION / CAPABILITY EMULATION (options or fake.config at runtime)
 *   api: '1.124.0' | '1.142.0' | '2.7.5' | '3.1.0'   // that release's OpenAPI document validates requests; its
 *     missing routes are 404, undeclared fields dropped, search/album/asset shapes, error bodies and version follow it
 *   VERSION_PROFILES / PARTIAL_PROFILES (profiles.ts): ready-made options per version, and v3.1 minus tags,
 *     albums, stacks or search answering 404 or 501 (`missingRouteStatus`)
 *   version: { major: 1, minor: 130, patch: 0, prerelease: undefined }   // /server/version and /server/about follow
 *   capabilities: { tags: false, stacks: false, albumsAssetsBulk: false, apiKeysMe: false, searchStatistics: false, ... }
 *     → those routes answer 404 "Cannot GET /api/..." like an older/partial server
 *   searchDefaultVisibility: 'v2'   // default search scope = timeline only (v1.133–v2.x)
 *   strictValidation: true          // answer 400 on any OpenAPI violation (incl. unknown fields)
 *   errorFormat: 'v2'               // NestJS error bodies {message, error, statusCode, correlationId}
 *   thumbnailJobDelayMs: 1000       // uploads' thumbnails 404 for this long ('manual': until fake.waitForJobs())
 *   searchPageCap: 200, searchPaging: 'filtered-ends-after-one-page' | 'filtered-repeats-page'   // paging that cannot be trusted
 *   imitates: 'adapter' | 'go-backend'   // an Immich-compatible server that is not Immich (COMPATIBLE_PROFILES)
 *
 * Partners (`/partners` routes, `inTimeline`) and albums shared with other users follow Immich v3.1.0's
 * PartnerService and album access rules (see routes/partner-routes.ts, routes/access.ts).
 *
 * Not modelled: sessions/cookies, shared links, people; for older APIs
 * only the response fields this tool reads or that changed visibly (album `assets`/`ownerId`/`owner`,
 * asset `visibility`/`width`/`height`, `DELETE /albums/{id}` 200) follow the version.
 */
export { startFakeImmich, FakeImmich, type SeededUser } from './fake-immich.js';
export { FakeState, defaultExif, sniffImageType, type SeedAsset, type SeedAlbum, type SeedApiKey, type SeedUser } from './state.js';
export { makeImmichThumbnail, makeImmichPreview, readImageInfo, type ImageInfo } from './thumbnail.js';
export { isThumbnailRequest, isWriteRequest, type RecordedRequest } from './recorder.js';
export type { FaultKind, FaultRule, FaultTarget, FaultController } from './faults.js';
export type { Capabilities, FakeImmichConfig, FakeImmichOptions, ServerVersion, SpecVersion } from './config.js';
export { COMPATIBLE_PROFILES, PARTIAL_CAPABILITIES, PARTIAL_PROFILES, VERSION_PROFILES, type FakeProfile, type PartialCapability, type PartialProfile, type VersionProfile } from './profiles.js';
export type * from './types.js';
