import { PNG } from 'pngjs';

/**
 * Counts pixels whose colour differs by more than `minDelta` in some channel between two PNG
 * screenshots of the same size. Anti-aliasing noise stays below the default; a glyph drawn as a box
 * (or not at all) does not.
 */
export function countChangedPixels(a: Buffer, b: Buffer, minDelta = 96): number {
  const left = PNG.sync.read(a);
  const right = PNG.sync.read(b);
  if (left.width !== right.width || left.height !== right.height) return Number.POSITIVE_INFINITY;
  let changed = 0;
  for (let i = 0; i < left.data.length; i += 4) {
    for (let channel = 0; channel < 3; channel++) {
      if (Math.abs(left.data[i + channel]! - right.data[i + channel]!) > minDelta) {
        changed++;
        break;
      }
    }
  }
  return changed;
}
