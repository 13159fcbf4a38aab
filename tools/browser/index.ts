// Shared browser tooling for the CLIs (eval, bench) and the e2e tests.
export { launchChromium, chromiumArgs, BASE_CHROMIUM_ARGS, WEBGPU_CHROMIUM_ARGS, DEFAULT_CHROMIUM_PATH, type ChromiumLaunchOptions } from './chromium.ts';
export { startPreviewServer, findFreePort, waitForHttp, type PreviewServer, type PreviewServerOptions } from './previewServer.ts';
export { checkBuild, ensureBuilt, htmlEntries, BuildError, PROJECT_ROOT, DEFAULT_BUILD_INPUTS, type BuildCheck, type BuildInput, type EnsureBuiltResult } from './build.ts';
export { routeLocalFiles, routedUrlPath, contentTypeOf, type RoutedFiles } from './routeFiles.ts';
export { collectBrowserLog, type BrowserLog, type BrowserLogOptions } from './browserLog.ts';
