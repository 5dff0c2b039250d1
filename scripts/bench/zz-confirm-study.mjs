// Throwaway: time confirmation of every intra-cluster pair of a synthetic library.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makePhotoLibrary } from './synthetic-photos.mjs';
const DIST = new URL('../../dist/', import.meta.url);
const load = (m) => import(new URL(m, DIST).href);
const fingerprint = await load('hashing/fingerprint.js');
const { dihedral } = await load('hashing/dihedral.js');
const { HashArena } = await load('hashing/hash-arena.js');
const { confirmWithStoredThumbnails } = await load('grouping/stored-thumbnails.js');
const { openStore } = await load('store/open-store.js');
const { HashRepository } = await load('store/hash-repository.js');
const size = Number(process.argv[2] ?? 200000);
const seed = Number(process.argv[3] ?? 2);
const work = mkdtempSync(path.join(os.tmpdir(), 'po-study-'));
const db = openStore(path.join(work, 'h.db'));
const store = new HashRepository(db);
const { photos, clusters } = makePhotoLibrary(size, seed, { ...fingerprint, dihedral, HashArena }, store);
const byId = new Map(photos.map((p) => [p.photo.id, p]));
const pairs = [];
for (const ids of clusters) for (let i = 0; i < ids.length; i++) for (let j = i + 1; j < ids.length; j++) pairs.push([byId.get(ids[i]), byId.get(ids[j])]);
// background pairs: random (mostly rejected immediately by distance) — use neighbours to get thumbnails decoded
const confirm = confirmWithStoredThumbnails(store);
import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
const session = new Session(); session.connect();
await session.post('Profiler.enable'); await session.post('Profiler.start');
for (let r = 0; r < 3; r++) {
  let ok = 0;
  const t = process.hrtime.bigint();
  for (const [a, b] of pairs) if (confirm(a, b, 8)) ok++;
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  console.log(`pairs ${pairs.length} confirmed ${ok} ${ms.toFixed(0)} ms ${(ms / pairs.length * 1000).toFixed(0)} us/pair`);
}
const { profile } = await session.post('Profiler.stop');
import('node:fs').then(() => {});
writeFileSync('/tmp/dbg/prof2/confirm.cpuprofile', JSON.stringify(profile));
db.close();
rmSync(work, { recursive: true, force: true });
