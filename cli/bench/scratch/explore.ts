import { launchChromium, startPreviewServer, collectBrowserLog } from '../../../tools/browser/index.ts';

const server = await startPreviewServer({ log: (l) => console.log(l) });
console.log('server', server.url, server.build);
const browser = await launchChromium({ extraArgs: process.argv.includes('--eager') ? ['--enable-blink-features=ForceEagerMeasureMemory'] : [] });
try {
  const context = await browser.newContext();
  const page = await context.newPage();
  const log = collectBrowserLog(page, { verbose: true, onLine: (l) => console.log(l) });
  page.on('worker', (w) => console.log('worker', w.url()));
  await page.goto(`${server.url}/?backend=wasm`);
  await page.waitForFunction(() => (window as any).dashseg?.stats().frames > 3, undefined, { timeout: 120000 });
  console.log(JSON.stringify(await page.evaluate(() => (window as any).dashseg.stats()), null, 1).slice(0, 3000));
  console.log('coi', await page.evaluate(() => crossOriginIsolated), 'version', browser.version());
  console.log('perf.memory', await page.evaluate(() => { const m = (performance as any).memory; return m ? { used: m.usedJSHeapSize, total: m.totalJSHeapSize } : null; }));
  for (const w of page.workers().filter((w) => w.url().includes('segmentation'))) {
    console.log('worker eval', w.url(), await w.evaluate(() => ({ mem: typeof (performance as any).measureUserAgentSpecificMemory, pm: (performance as any).memory?.usedJSHeapSize ?? null, coi: (self as any).crossOriginIsolated })).catch((e) => String(e)));
  }
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  console.log('Performance.getMetrics', (await cdp.send('Performance.getMetrics')).metrics.filter((m) => /Heap|Nodes|Documents/.test(m.name)));
  console.log('Runtime.getHeapUsage', await cdp.send('Runtime.getHeapUsage'));
  const targets = await cdp.send('Target.getTargets');
  console.log('targets', targets.targetInfos.map((t) => `${t.type} ${t.url} ${t.targetId}`));
  for (const t of targets.targetInfos.filter((t) => t.type === 'worker')) {
    try {
      const { sessionId } = await cdp.send('Target.attachToTarget', { targetId: t.targetId, flatten: false });
      const answer = new Promise((resolve) => {
        cdp.on('Target.receivedMessageFromTarget', (e: any) => { if (e.sessionId === sessionId) resolve(e.message); });
      });
      await cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id: 1, method: 'Runtime.getHeapUsage' }) });
      console.log('worker heap', t.url, await Promise.race([answer, new Promise((r) => setTimeout(() => r('timeout'), 5000))]));
    } catch (e) { console.log('attach failed', t.url, String(e)); }
  }
  const t0 = Date.now();
  const m = await page.evaluate(async () => {
    const r = await (performance as any).measureUserAgentSpecificMemory();
    return r;
  });
  console.log('measureUASM ms', Date.now() - t0, JSON.stringify(m, null, 1).slice(0, 5000));
  void log;
} finally {
  await browser.close();
  await server.close();
}
