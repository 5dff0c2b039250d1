/**
 * Files that are known by their name not to be photos, so they are never even opened: a phone's
 * videos, editors' and exporters' sidecars (one beside every photo of a Google Takeout), and this
 * tool's own database with its -wal/-shm/.lock files. Documents and reports are not listed: a file
 * of any other name is a photo only if its content says so (local-photo-source.ts), else ignored.
 */

/** Videos that may be the moving half of a Live Photo (`IMG_0001.HEIC` + `IMG_0001.MOV`). */
const LIVE_PHOTO_VIDEOS = new Set(['mov', 'mp4']);

const OTHER_EXTENSIONS = new Set([
  // videos
  'mov', 'mp4', 'm4v', 'avi', 'mkv', 'mts', 'm2ts', '3gp', 'wmv', 'webm', 'mpg', 'mpeg',
  // sidecars: XMP, Apple edits, Google Takeout metadata, camera thumbnails
  'xmp', 'aae', 'json', 'thm', 'xml', 'pp3', 'dop', 'on1',
  // databases: this tool's hash database, its -wal/-shm journal and its lock file
  'db', 'sqlite', 'sqlite3', 'db-wal', 'db-shm', 'db-journal', 'wal', 'shm', 'lock',
  // audio
  'wav', 'mp3', 'm4a', 'aac',
]);

/** System files every photo folder collects. */
const OTHER_NAMES = new Set(['.ds_store', 'thumbs.db', 'desktop.ini', '.nomedia']);

function extensionOf(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  return dot < 0 ? '' : fileName.slice(dot + 1).toLowerCase();
}

/** True for a file that is known by its name not to be a photo. */
export function isOtherFile(fileName: string): boolean {
  return OTHER_NAMES.has(fileName.toLowerCase()) || OTHER_EXTENSIONS.has(extensionOf(fileName)) || fileName.startsWith('._');
}

export function isLivePhotoVideo(fileName: string): boolean {
  return LIVE_PHOTO_VIDEOS.has(extensionOf(fileName));
}
