// The pure parts of tools/browser/ (shared by the CLIs and the e2e tests): Chromium switches and the
// "is dist/ up to date" check. Launching and serving are covered by tests/e2e/.
import { utimesSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkBuild, htmlEntries } from '../../../tools/browser/build.ts';
import { chromiumArgs } from '../../../tools/browser/chromium.ts';
import { findFreePort } from '../../../tools/browser/previewServer.ts';
import { routedUrlPath } from '../../../tools/browser/routeFiles.ts';
import { tempTree, type TempTree } from './tempFolders.ts';

describe('chromiumArgs', () => {
  const always = ['--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

  it('disables the GPU by default', () => {
    const args = chromiumArgs({});
    expect(args).toEqual([...always, '--disable-gpu']);
  });

  it('keeps the GPU process and enables WebGPU on SwiftShader for webgpu', () => {
    const args = chromiumArgs({ webgpu: true });
    expect(args).not.toContain('--disable-gpu');
    expect(args).toEqual(expect.arrayContaining([...always, '--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-vulkan=swiftshader', '--use-angle=swiftshader']));
  });

  it('adds the fake camera switches with an absolute file path', () => {
    const args = chromiumArgs({ fakeCameraFile: 'clip.y4m', extraArgs: ['--lang=en'] });
    expect(args).toContain('--use-fake-ui-for-media-stream');
    expect(args).toContain('--use-fake-device-for-media-stream');
    expect(args.find((a) => a.startsWith('--use-file-for-fake-video-capture='))).toBe(`--use-file-for-fake-video-capture=${process.cwd()}/clip.y4m`);
    expect(args[args.length - 1]).toBe('--lang=en');
  });
});

describe('checkBuild', () => {
  let t: TempTree;
  beforeEach(() => {
    t = tempTree();
    t.write('index.html', '<p>');
    t.write('eval.html', '<p>');
    t.write('src/main.ts', '');
    t.write('models/m.onnx', 'x');
    t.write('models/notes.txt', 'x');
  });
  afterEach(() => t.remove());

  const setTime = (file: string, seconds: number): void => utimesSync(t.path(file), seconds, seconds);
  const build = (seconds: number): void => {
    t.write('dist/index.html', '<p>');
    t.write('dist/eval.html', '<p>');
    setTime('dist/index.html', seconds);
    setTime('dist/eval.html', seconds);
  };

  it('needs a build when a page is missing from dist/', () => {
    expect(htmlEntries(t.root)).toEqual(['eval.html', 'index.html']);
    expect(checkBuild({ root: t.root })).toEqual({ upToDate: false, reason: 'dist/eval.html is missing' });
  });

  it('is up to date when every input is older than the built pages', () => {
    for (const f of ['index.html', 'eval.html', 'src/main.ts', 'models/m.onnx', 'models/notes.txt']) setTime(f, 1000);
    build(2000);
    expect(checkBuild({ root: t.root })).toEqual({ upToDate: true, reason: 'up to date' });
  });

  it('names the input that is newer than dist/', () => {
    for (const f of ['index.html', 'eval.html', 'src/main.ts', 'models/m.onnx']) setTime(f, 1000);
    setTime('models/notes.txt', 3000); // not a build input
    build(2000);
    expect(checkBuild({ root: t.root }).upToDate).toBe(true);
    setTime('models/m.onnx', 3000);
    expect(checkBuild({ root: t.root })).toEqual({ upToDate: false, reason: 'models/m.onnx is newer than dist/' });
    setTime('models/m.onnx', 1000);
    setTime('src/main.ts', 3000);
    expect(checkBuild({ root: t.root })).toEqual({ upToDate: false, reason: 'src/main.ts is newer than dist/' });
  });
});

describe('helpers', () => {
  it('findFreePort returns a usable port', async () => {
    const port = await findFreePort();
    expect(port).toBeGreaterThan(0);
    expect(port).toBeLessThan(65536);
  });

  it('routedUrlPath encodes each path segment', () => {
    expect(routedUrlPath('/__eval__/', 'image/3/a b#.png')).toBe('/__eval__/image/3/a%20b%23.png');
  });
});
