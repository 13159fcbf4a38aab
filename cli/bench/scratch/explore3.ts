import { launchChromium, startPreviewServer } from '../../../tools/browser/index.ts';
import { MemoryProbe } from '../memoryProbe.ts';

const server = await startPreviewServer({ log: console.log });
const browser = await launchChromium();
try {
  const context = await browser.newContext();
  const page = await context.newPage();
  const probe = await MemoryProbe.attach(context, page);
  await page.goto(`${server.url}/?backend=wasm`);
  await page.waitForFunction(() => (window as any).dashseg?.stats().frames > 3, undefined, { timeout: 120000 });
  let t = Date.now();
  console.log('snap1', Date.now() - t, await probe.snapshot());
  console.log('stats', await page.evaluate(() => { const s = (window as any).dashseg.stats(); return { frames: s.frames, threads: s.threads, fps: s.fps }; }));
  t = Date.now();
  await page.evaluate(() => (window as any).dashseg.reloadModel({ threads: 1 }));
  console.log('reload ms', Date.now() - t);
  await page.waitForFunction(() => (window as any).dashseg?.stats().frames > 3, undefined, { timeout: 120000 });
  console.log('stats', await page.evaluate(() => { const s = (window as any).dashseg.stats(); return { frames: s.frames, threads: s.threads, fps: s.fps, err: s.lastError }; }));
  t = Date.now();
  console.log('snap2', Date.now() - t, await probe.snapshot());
  await new Promise((r) => setTimeout(r, 5000));
  console.log('stats', await page.evaluate(() => { const s = (window as any).dashseg.stats(); return { frames: s.frames, threads: s.threads, fps: s.fps, err: s.lastError, restarts: s.restarts }; }));
} finally {
  await browser.close();
  await server.close();
}
