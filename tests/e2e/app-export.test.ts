// Export of the segmented video: 3 s of the sample clip recorded in the browser with the masks as
// shown, decoded with ffmpeg (duration, frame count, mask colours in its pixels); an export asked for
// with no video playing says so.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { AppPage } from './helpers/appPage.ts';
import { useAppServer, useBrowser } from './helpers/fixtures.ts';
import { fetchModelContract } from './helpers/contract.ts';
import { displayColor } from '../../src/processing/palette.ts';

const server = useAppServer();
const browser = useBrowser();
const dir = mkdtempSync(path.join(tmpdir(), 'dashseg-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let app: AppPage | null = null;
afterEach(async () => {
  await app?.close();
  app = null;
});

const LOAD_MS = 90_000;
const SECONDS = 3;

function tool(name: string, args: string[]): string {
  const r = spawnSync(name, args, { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`${name} ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

describe('export of the segmented video', () => {
  test(`exports ${SECONDS} s of the sample clip with the masks in its pixels`, async () => {
    app = await AppPage.open(browser(), server().url, '', { name: 'export' });
    const s = await app.waitForFrames(5, { timeoutMs: LOAD_MS });
    const contract = await fetchModelContract(server().url, `/models/${s.model}.json`);
    await app.page.locator('#opacity').fill('1'); // the masks' own colours, as the user would see them at full opacity
    const exported = await app.page.evaluate(async (seconds) => {
      const d = (window as unknown as { dashseg: { exportVideo(r: { seconds: number }): Promise<{ mimeType: string; bytes: Uint8Array; frames: number; width: number; height: number; stoppedEarly: string | null }> } }).dashseg;
      const v = await d.exportVideo({ seconds });
      let binary = '';
      for (let i = 0; i < v.bytes.length; i += 0x8000) binary += String.fromCharCode(...v.bytes.subarray(i, i + 0x8000));
      return { mimeType: v.mimeType, base64: btoa(binary), frames: v.frames, width: v.width, height: v.height, stoppedEarly: v.stoppedEarly };
    }, SECONDS);
    console.log(`[export] ${exported.frames} frames ${exported.width}x${exported.height} ${exported.mimeType}, ${Math.round((exported.base64.length * 3) / 4 / 1024)} KiB`);
    expect(exported.stoppedEarly).toBeNull();
    expect(exported.mimeType).toBe('video/webm;codecs=vp8');
    expect([exported.width, exported.height]).toEqual([960, 540]);
    const file = path.join(dir, 'export.webm');
    writeFileSync(file, Buffer.from(exported.base64, 'base64'));

    // ffmpeg decodes the file: its frames, and its duration from the last frame's time.
    const stream = tool('ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=codec_name,width,height,nb_read_frames', '-of', 'csv=p=0', file]).trim().split(',');
    expect(stream[0]).toBe('vp8');
    const [width, height, decoded] = stream.slice(1).map(Number) as [number, number, number];
    const times = tool('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'frame=pts_time', '-of', 'csv=p=0', file]).trim().split('\n').map(Number).filter(Number.isFinite);
    const duration = (times.at(-1) ?? 0) - (times[0] ?? 0);
    console.log(`[export] decoded ${decoded} frames, ${width}x${height}, ${duration.toFixed(2)} s from first to last frame`);
    expect([width, height]).toEqual([960, 540]);
    expect(decoded).toBe(exported.frames);
    // Every frame drawn is in the file, at its media time: the file spans the seconds asked for (less
    // one frame), however many of the clip's 25 fps the page presented on this machine.
    expect(decoded).toBeGreaterThan(1);
    expect(duration).toBeGreaterThan(SECONDS - 0.25);
    expect(duration).toBeLessThan(SECONDS + 0.25);

    // A frame from the middle: the road's mask colour fills much of its lower half.
    const raw = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-i', file, '-vf', `select=eq(n\\,${Math.floor(decoded / 2)})`, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], { maxBuffer: 16 << 20 });
    expect(raw.status, String(raw.stderr)).toBe(0);
    const pixels = raw.stdout as Buffer;
    expect(pixels.length).toBe(960 * 540 * 3);
    const road = contract.classes.find((c) => c.name === 'Road');
    if (!road) throw new Error('the contract has no Road class');
    const [r, g, b] = displayColor(contract, road);
    let near = 0;
    let total = 0;
    for (let y = 300; y < 540; y += 4) {
      for (let x = 0; x < 960; x += 4) {
        const i = (y * 960 + x) * 3;
        total++;
        if (Math.abs((pixels[i] as number) - r) + Math.abs((pixels[i + 1] as number) - g) + Math.abs((pixels[i + 2] as number) - b) < 60) near++;
      }
    }
    console.log(`[export] road colour rgb(${r},${g},${b}) in ${((100 * near) / total).toFixed(1)} % of the lower half`);
    expect(near / total).toBeGreaterThan(0.2);
    expect(app.pageErrors).toEqual([]);
  });

  test('a source replaced mid-export: the export resolves with the frames it has and says so', async () => {
    app = await AppPage.open(browser(), server().url, '', { name: 'export-replaced' });
    await app.waitForFrames(2, { timeoutMs: LOAD_MS });
    const result = await app.page.evaluate(async () => {
      const d = (window as unknown as { dashseg: { exportVideo(r: { seconds: number }): Promise<{ frames: number; bytes: Uint8Array; stoppedEarly: string | null }> } }).dashseg;
      const pending = d.exportVideo({ seconds: 20 });
      await new Promise((r) => setTimeout(r, 1500));
      (document.querySelector('#source-sample') as HTMLButtonElement).click(); // the sample again: a new source
      const v = await pending;
      return { frames: v.frames, size: v.bytes.length, stoppedEarly: v.stoppedEarly };
    });
    console.log(`[export] replaced mid-export: ${result.frames} frames, ${result.size} bytes, stopped early: ${result.stoppedEarly}`);
    expect(result.stoppedEarly).toBe('the source was replaced');
    expect(result.frames).toBeGreaterThan(0);
    expect(result.size).toBeGreaterThan(0);
    expect(app.pageErrors).toEqual([]);
  });

  test('an export with no video playing is refused with a clear message', async () => {
    app = await AppPage.open(browser(), server().url, '', { name: 'export-none' });
    await app.waitForFrames(2, { timeoutMs: LOAD_MS });
    await app.page.evaluate(() => (document.querySelector('#stage video') as HTMLVideoElement).pause());
    const message = await app.page.evaluate(async () => {
      const d = (window as unknown as { dashseg: { exportVideo(r: { seconds: number }): Promise<unknown> } }).dashseg;
      try {
        await d.exportVideo({ seconds: 1 });
        return 'resolved';
      } catch (err) {
        return (err as Error).message;
      }
    });
    expect(message).toMatch(/needs a playing video/);
    const s = await app.stats();
    expect(s?.lastError?.code).toBe('export-no-video');
  });
});
