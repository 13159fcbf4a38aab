// The pixels near a label edge, where `npm run eval` measures boundary IoU: IoU restricted to the
// pixels within `radius` px (Euclidean) of a label edge, at the label's resolution, on the map the
// user sees. A pixel is on an edge when one of its 4 neighbours has another label id (void
// included: CamVid leaves the uncertain strips between objects void); void pixels themselves are
// then skipped by the confusion matrix as everywhere else.

/** What `npm run eval` uses: 3 px, as the issue that asked for boundary IoU states. */
export const BOUNDARY_RADIUS_PX = 3;

/**
 * Marks (1) every pixel within `radius` px of a label edge, in `out` (allocated when absent or of
 * another length), and returns it.
 */
export function labelEdgeBand(ids: Uint8Array, width: number, height: number, radius: number = BOUNDARY_RADIUS_PX, out?: Uint8Array): Uint8Array {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) throw new RangeError(`label size must be positive integers, got ${width}x${height}`);
  if (ids.length !== width * height) throw new RangeError(`label has ${ids.length} ids, ${width}x${height} needs ${width * height}`);
  if (!Number.isInteger(radius) || radius < 0) throw new RangeError(`radius must be a non-negative integer, got ${radius}`);
  const band = out && out.length === ids.length ? out : new Uint8Array(ids.length);
  band.fill(0);
  // Offsets of the disc, as (dy, half-width of its row).
  const rows: [number, number][] = [];
  for (let dy = -radius; dy <= radius; dy++) rows.push([dy, Math.floor(Math.sqrt(radius * radius - dy * dy))]);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const id = ids[i];
      const edge = (x + 1 < width && ids[i + 1] !== id) || (x > 0 && ids[i - 1] !== id)
        || (y + 1 < height && ids[i + width] !== id) || (y > 0 && ids[i - width] !== id);
      if (!edge) continue;
      for (const [dy, half] of rows) {
        const yy = y + dy;
        if (yy < 0 || yy >= height) continue;
        const from = yy * width + Math.max(0, x - half);
        const to = yy * width + Math.min(width - 1, x + half) + 1;
        band.fill(1, from, to);
      }
    }
  }
  return band;
}
