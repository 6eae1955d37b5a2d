/** Facts about YouTube ids and links that several layers need. */

/** A YouTube video id: 11 characters of the URL-safe base64 alphabet (as a regex source). */
export const VIDEO_ID_PATTERN = '^[A-Za-z0-9_-]{11}$';
export const VIDEO_ID = new RegExp(VIDEO_ID_PATTERN);

/** The watch page of a video. */
export function videoUrl(videoId: string): string {
  return `https://www.youtube.com/watch?v=${encodeURIComponent(videoId)}`;
}
