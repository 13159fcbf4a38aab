// The mask layer's restarts: a failed layer is replaced with a notice and the presenter resumes; a
// restart that fails, or one more than allowed, is an error naming the cause.
import { describe, expect, it } from 'vitest';
import { MaskLayerRestarts } from '../../../src/app/maskLayerRestart.ts';

function setUp(restartFails = false) {
  const said: string[] = [];
  let resumed = 0;
  let restarted = 0;
  const restarts = new MaskLayerRestarts(
    { restartLayer: async () => { restarted++; if (restartFails) throw new Error('no WebGL2 context'); } },
    { resume: () => { resumed++; } },
    { notice: (code, message) => said.push(`notice ${code}: ${message}`), fail: (code, message) => said.push(`error ${code}: ${message}`) },
    2,
  );
  return { restarts, said, counts: () => ({ resumed, restarted }) };
}

describe('MaskLayerRestarts', () => {
  it('restarts the layer and resumes drawing, with a notice naming the cause, up to the limit; then an error', async () => {
    const { restarts, said, counts } = setUp();
    await restarts.restart(new Error('worker crashed'));
    await restarts.restart(new Error('worker crashed again'));
    await restarts.restart(new Error('third time'));
    expect(counts()).toEqual({ resumed: 2, restarted: 2 });
    expect(said[0]).toBe('notice mask-layer-restarted: the mask layer failed (worker crashed) and was restarted');
    expect(said[1]).toMatch(/^notice mask-layer-restarted: .*worker crashed again/);
    expect(said[2]).toMatch(/^error webgl-unavailable: the mask layer failed 3 times \(last: third time\); masks are no longer drawn/);
  });

  it('a restart that fails is an error naming both causes, and drawing does not resume', async () => {
    const { restarts, said, counts } = setUp(true);
    await restarts.restart(new Error('context lost'));
    expect(counts()).toEqual({ resumed: 0, restarted: 1 });
    expect(said).toEqual(['error webgl-unavailable: the mask layer failed (context lost) and could not be restarted: no WebGL2 context']);
  });
});
