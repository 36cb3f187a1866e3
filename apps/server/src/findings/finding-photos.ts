// A finding's photos (issue 12 point 8) are hostile input like any other: the type is read from the
// bytes, not from what the phone declared, and count and size are bounded before anything is stored.
import { FINDING_MAX_PHOTO_BYTES, FINDING_MAX_PHOTOS, type FindingPhotoType } from '@estate-watch/contracts';

export interface UploadedPhoto {
  originalname: string;
  mimetype: string;
  size: number;
  buffer: Buffer;
}

export interface CheckedPhoto {
  contentType: FindingPhotoType;
  data: Buffer;
}

/** The image type these bytes are, by their signature; undefined for anything else. */
export function sniffImage(bytes: Buffer): FindingPhotoType | undefined {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (bytes.length >= 12 && bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP') return 'image/webp';
  return undefined;
}

/** The photos as stored, or the first problem in words a guard can act on. */
export function checkPhotos(photos: readonly UploadedPhoto[]): { ok: true; photos: CheckedPhoto[] } | { ok: false; problem: string } {
  if (photos.length > FINDING_MAX_PHOTOS) return { ok: false, problem: `photos: at most ${FINDING_MAX_PHOTOS} per finding, got ${photos.length}` };
  const checked: CheckedPhoto[] = [];
  for (const [i, photo] of photos.entries()) {
    const label = `photos[${i}] (${photo.originalname || 'unnamed'})`;
    if (photo.size === 0) return { ok: false, problem: `${label}: the file is empty` };
    if (photo.size > FINDING_MAX_PHOTO_BYTES) return { ok: false, problem: `${label}: ${mb(photo.size)} MB, at most ${mb(FINDING_MAX_PHOTO_BYTES)} MB` };
    const type = sniffImage(photo.buffer);
    if (!type) return { ok: false, problem: `${label}: not a JPEG, PNG or WebP image` };
    checked.push({ contentType: type, data: photo.buffer });
  }
  return { ok: true, photos: checked };
}

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
