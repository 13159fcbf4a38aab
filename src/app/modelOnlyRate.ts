// The bench's model-only rate: the app's own worker (same model, backend and threads) segmenting one
// already-decoded frame over and over, back to back, with no video playing and nothing drawn; two
// frames in the worker as in the app (one running, one waiting). The input is what the app sends:
// a VideoFrame of the video when the browser has them (clones share its pixels: no copy per run, and
// the worker reads its planes as it does in the app), else a bitmap resized to the model input.

import { resizedBitmap, type FrameSource } from '../capture/frameSource.ts';
import type { DisplaySource } from '../render/overlayRenderer.ts';
import type { PipelineClient } from './segmentationPipeline.ts';
import type { ModelOnlyRate } from './automationApi.ts';

export async function measureModelOnlyRate(client: PipelineClient, picture: DisplaySource, seconds: number): Promise<ModelOnlyRate> {
  const useVideoFrame = typeof VideoFrame !== 'undefined' && picture.kind === 'video';
  const size = client.info.inputSize;
  const sample: VideoFrame | ImageBitmap = useVideoFrame
    ? new VideoFrame(picture.element)
    : await resizedBitmap(picture.kind === 'video' ? picture.element : picture.image, size);
  const copy = async (): Promise<VideoFrame | ImageBitmap> => (sample instanceof ImageBitmap ? createImageBitmap(sample) : sample.clone());
  try {
    let frames = 0;
    const t0 = performance.now();
    const end = t0 + seconds * 1000;
    const lane = async (): Promise<void> => {
      while (performance.now() < end) {
        const outcome = await client.segment(await copy(), frames);
        if (outcome.kind !== 'skipped') frames++;
      }
    };
    await Promise.all([lane(), lane()]);
    const elapsed = (performance.now() - t0) / 1000;
    return { frames, seconds: elapsed, fps: frames / elapsed };
  } finally {
    sample.close();
  }
}

/**
 * The model-only rate of the app's own worker, on the picture its source shows now: the source is
 * paused and the pipeline drained meanwhile; then the source plays again (paused if the tab is hidden),
 * unless it was replaced.
 */
export async function measureAppModelOnly(
  model: { readonly client: PipelineClient | null; readonly pipeline: { clearWaiting(): void; drain(): Promise<void> } | null },
  sources: { readonly source: FrameSource | null },
  seconds: number,
): Promise<ModelOnlyRate> {
  const client = model.client;
  const source = sources.source;
  const picture = source?.display();
  if (!client || !source || !picture) throw new Error('measureModelOnly needs a model and a playing source');
  source.setPaused(true);
  model.pipeline?.clearWaiting();
  try {
    await model.pipeline?.drain();
    return await measureModelOnlyRate(client, picture, seconds);
  } finally {
    if (sources.source === source) source.setPaused(document.hidden);
  }
}
