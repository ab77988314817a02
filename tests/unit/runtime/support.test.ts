import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  classifyBrowser,
  currentEnvironment,
  detectWebContainerSupport,
  type SupportEnvironment,
} from '../../../src/lib/runtime/webcontainer/support.ts';

const UA = {
  chromeWindows:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  edge: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.86',
  chromeAndroid:
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.135 Mobile Safari/537.36',
  firefoxLinux: 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
  firefoxAndroid: 'Mozilla/5.0 (Android 14; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0',
  safari17: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15',
  safari164: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.4 Safari/605.1.15',
  safari163: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.3 Safari/605.1.15',
  iphone17:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1',
  iphone163:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 16_3 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.3 Mobile/15E148 Safari/604.1',
  chromeIOS:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/120.0.6099.119 Mobile/15E148 Safari/604.1',
  // Headless Chromium (the end-to-end tests' browser) names itself HeadlessChrome.
  headlessChrome: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.6778.204 Safari/537.36',
  curl: 'curl/8.5.0',
};

const env = (over: Partial<SupportEnvironment> = {}): SupportEnvironment => ({
  crossOriginIsolated: true,
  hasSharedArrayBuffer: true,
  userAgent: UA.chromeWindows,
  allowIOS: false,
  ...over,
});

describe('detectWebContainerSupport', () => {
  it('is ok in an isolated Chromium page with SharedArrayBuffer', () => {
    expect(detectWebContainerSupport(env())).toEqual({ ok: true });
  });

  it('takes headless Chromium for the Chromium it is', () => {
    expect(detectWebContainerSupport(env({ userAgent: UA.headlessChrome }))).toEqual({ ok: true });
  });

  it('says "not cross-origin isolated" first', () => {
    expect(detectWebContainerSupport(env({ crossOriginIsolated: false, hasSharedArrayBuffer: false, userAgent: UA.curl }))).toEqual({
      ok: false,
      reason: {
        code: 'not-isolated',
        message:
          'not cross-origin isolated: the page must be served with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp',
      },
    });
  });

  it('then the missing SharedArrayBuffer', () => {
    expect(detectWebContainerSupport(env({ hasSharedArrayBuffer: false }))).toEqual({
      ok: false,
      reason: { code: 'no-shared-array-buffer', message: 'no SharedArrayBuffer: this browser does not provide it to the page' },
    });
  });

  it.each([
    ['Edge', UA.edge],
    ['Chrome on Android', UA.chromeAndroid],
    ['Firefox', UA.firefoxLinux],
    ['Firefox on Android', UA.firefoxAndroid],
    ['Safari 17.2', UA.safari17],
    ['Safari 16.4', UA.safari164],
  ])('supports %s', (_name, userAgent) => {
    expect(detectWebContainerSupport(env({ userAgent }))).toEqual({ ok: true });
  });

  it('refuses Safari before 16.4', () => {
    expect(detectWebContainerSupport(env({ userAgent: UA.safari163 }))).toEqual({
      ok: false,
      reason: {
        code: 'unsupported-browser',
        message: 'unsupported browser: Safari 16.3 is older than Safari 16.4, the first that runs WebContainers',
      },
    });
  });

  it('refuses an engine the support page does not list', () => {
    expect(detectWebContainerSupport(env({ userAgent: UA.curl }))).toEqual({
      ok: false,
      reason: {
        code: 'unsupported-browser',
        message: 'unsupported browser: WebContainers run in Chromium-based browsers, Firefox and Safari 16.4 or later',
      },
    });
  });

  it('uses iOS only on request', () => {
    const refused = {
      ok: false,
      reason: { code: 'unsupported-browser', message: 'unsupported browser: WebContainers on iOS and iPadOS are beta and used only on request' },
    };
    expect(detectWebContainerSupport(env({ userAgent: UA.iphone17 }))).toEqual(refused);
    // Chrome on iOS is WebKit too.
    expect(detectWebContainerSupport(env({ userAgent: UA.chromeIOS }))).toEqual(refused);
    // An iPad asking for the desktop site looks like a Mac, but has a touch screen.
    expect(detectWebContainerSupport(env({ userAgent: UA.safari17, maxTouchPoints: 5 }))).toEqual(refused);
    expect(detectWebContainerSupport(env({ userAgent: UA.iphone17, allowIOS: true }))).toEqual({ ok: true });
    expect(detectWebContainerSupport(env({ userAgent: UA.chromeIOS, allowIOS: true }))).toEqual({ ok: true });
  });

  it('refuses iOS before 16.4 even on request', () => {
    expect(detectWebContainerSupport(env({ userAgent: UA.iphone163, allowIOS: true }))).toEqual({
      ok: false,
      reason: {
        code: 'unsupported-browser',
        message: 'unsupported browser: iOS 16.3 is older than iOS 16.4, the first that runs WebContainers',
      },
    });
  });
});

describe('classifyBrowser', () => {
  it.each([
    [UA.chromeWindows, 0, { engine: 'chromium', ios: false, version: null }],
    [UA.firefoxLinux, 0, { engine: 'firefox', ios: false, version: null }],
    [UA.safari17, 0, { engine: 'safari', ios: false, version: [17, 2] }],
    [UA.safari17, 5, { engine: 'safari', ios: true, version: [17, 2] }],
    [UA.iphone163, 5, { engine: 'safari', ios: true, version: [16, 3] }],
    [UA.chromeIOS, 5, { engine: 'safari', ios: true, version: [17, 2] }],
    [UA.curl, 0, { engine: 'unknown', ios: false, version: null }],
  ])('%s (touch points %d)', (ua, touch, info) => {
    expect(classifyBrowser(ua, touch)).toEqual(info);
  });
});

describe('currentEnvironment', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('reads the page from globalThis', () => {
    vi.stubGlobal('crossOriginIsolated', true);
    vi.stubGlobal('navigator', { userAgent: UA.firefoxLinux, maxTouchPoints: 0 });
    expect(currentEnvironment({ allowIOS: true })).toEqual({
      crossOriginIsolated: true,
      hasSharedArrayBuffer: true,
      userAgent: UA.firefoxLinux,
      allowIOS: true,
      maxTouchPoints: 0,
    });
  });

  it('is safe where nothing is defined', () => {
    vi.stubGlobal('crossOriginIsolated', undefined);
    vi.stubGlobal('navigator', undefined);
    vi.stubGlobal('SharedArrayBuffer', undefined);
    expect(currentEnvironment()).toEqual({
      crossOriginIsolated: false,
      hasSharedArrayBuffer: false,
      userAgent: '',
      allowIOS: false,
      maxTouchPoints: 0,
    });
  });
});
