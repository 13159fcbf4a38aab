import { launchChromium, startPreviewServer } from '../../../tools/browser/index.ts';

const server = await startPreviewServer({ build: 'never' });
const browser = await launchChromium();
try {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${server.url}/?backend=wasm`);
  await page.waitForFunction(() => (window as any).dashseg?.stats().frames > 3, undefined, { timeout: 120000 });
  const cdp = await context.newCDPSession(page);
  const targets = await cdp.send('Target.getTargets');
  let nextId = 1;
  const pending = new Map<string, (m: any) => void>();
  cdp.on('Target.receivedMessageFromTarget', (e: any) => {
    const msg = JSON.parse(e.message);
    if (msg.id !== undefined) { pending.get(`${e.sessionId}:${msg.id}`)?.(msg); }
  });
  const call = async (sessionId: string, method: string, params: object = {}) => {
    const id = nextId++;
    const p = new Promise<any>((resolve) => pending.set(`${sessionId}:${id}`, resolve));
    await cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params }) });
    return Promise.race([p, new Promise((r) => setTimeout(() => r('timeout'), 90000))]);
  };
  for (const t of targets.targetInfos.filter((t) => t.type === 'worker')) {
    const { sessionId } = await cdp.send('Target.attachToTarget', { targetId: t.targetId, flatten: false });
    console.log(t.url);
    console.log(' heap', JSON.stringify(await call(sessionId, 'Runtime.getHeapUsage')));
    const proto: any = await call(sessionId, 'Runtime.evaluate', { expression: 'WebAssembly.Memory.prototype' });
    console.log(' proto', JSON.stringify(proto).slice(0, 200));
    const oid = proto?.result?.result?.objectId;
    if (oid) {
      const tq = Date.now(); const q: any = await call(sessionId, 'Runtime.queryObjects', { prototypeObjectId: oid });
      console.log(' query', Date.now() - tq, JSON.stringify(q).slice(0, 300));
      const arr = q?.result?.objects?.objectId;
      if (arr) console.log(' sizes', JSON.stringify(await call(sessionId, 'Runtime.callFunctionOn', { objectId: arr, functionDeclaration: 'function() { return this.map((m) => m.buffer.byteLength); }', returnByValue: true })));
    }
    await cdp.send('Target.detachFromTarget', { sessionId }).catch((e) => console.log(String(e)));
  }
  console.log('still running', await page.evaluate(() => (window as any).dashseg.stats().frames));
} finally {
  await browser.close();
  await server.close();
}
