/**
 * Can this page boot a WebContainer? Checked before anything is downloaded, in the order of
 * DESIGN.md ("Runtimes"): cross-origin isolation, SharedArrayBuffer, then the browser.
 *
 * The browser rules encode WebContainers' "Browser support" page (webcontainers.io/guides/browser-support,
 * last updated February 2023):
 * - Chrome and other Chromium-based browsers (Edge, Brave, Opera, Samsung Internet...), desktop and
 *   Android: supported.
 * - Firefox, desktop and Android: supported (beta). The page names no minimum version.
 * - Safari on macOS: supported (beta) since 16.4, not before.
 * - iOS and iPadOS: beta since iOS 16.4 with memory limits for larger projects. Every iOS browser is
 *   WebKit underneath (CriOS, FxiOS and EdgiOS included), so the same rule applies to all of them.
 *   This app uses iOS only when the learner asks for it (`allowIOS`), as DESIGN.md says.
 * - Anything else (an engine the page does not list): unsupported.
 */
import type { FallbackReason } from '../types.ts';

export interface SupportEnvironment {
  crossOriginIsolated: boolean;
  hasSharedArrayBuffer: boolean;
  userAgent: string;
  /** The learner asked to try the WebContainer on iOS/iPadOS anyway. */
  allowIOS: boolean;
  /** `navigator.maxTouchPoints`: iPadOS Safari presents itself as a Mac, touch gives it away. */
  maxTouchPoints?: number;
}

export type SupportResult = { ok: true } | { ok: false; reason: FallbackReason };

export type BrowserEngine = 'chromium' | 'firefox' | 'safari' | 'unknown';

export interface BrowserInfo {
  engine: BrowserEngine;
  /** iOS or iPadOS (whatever the browser's brand: they are all WebKit there). */
  ios: boolean;
  /** Safari's or iOS's version as [major, minor], when the user agent tells. */
  version: [number, number] | null;
}

/** The first Safari and iOS release WebContainers support. */
export const MIN_WEBKIT_VERSION: [number, number] = [16, 4];

function versionFrom(match: RegExpMatchArray | null): [number, number] | null {
  if (!match || match[1] === undefined) return null;
  return [Number(match[1]), Number(match[2] ?? 0)];
}

function atLeast(version: [number, number], min: [number, number]): boolean {
  return version[0] > min[0] || (version[0] === min[0] && version[1] >= min[1]);
}

/** What the user agent string says about the engine, as far as WebContainers care. */
export function classifyBrowser(userAgent: string, maxTouchPoints = 0): BrowserInfo {
  const ua = userAgent;
  const iosDevice = /\b(iPhone|iPad|iPod)\b/.test(ua);
  const iPadAsMac = /\bMacintosh\b/.test(ua) && maxTouchPoints > 1;
  if (iosDevice || iPadAsMac) {
    // "CPU iPhone OS 16_4 like Mac OS X"; an iPad in desktop mode only has Safari's "Version/16.4".
    const version = versionFrom(ua.match(/\bOS (\d+)[_.](\d+)/)) ?? versionFrom(ua.match(/\bVersion\/(\d+)(?:\.(\d+))?/));
    return { engine: 'safari', ios: true, version };
  }
  if (/\b(Chrome|HeadlessChrome|Chromium|CriOS|Edg|EdgA|OPR|SamsungBrowser|YaBrowser)\/\d/.test(ua)) {
    return { engine: 'chromium', ios: false, version: null };
  }
  if (/\bFirefox\/\d/.test(ua) && /\bGecko\//.test(ua)) {
    return { engine: 'firefox', ios: false, version: null };
  }
  if (/\bSafari\/\d/.test(ua) && /\bAppleWebKit\//.test(ua)) {
    return { engine: 'safari', ios: false, version: versionFrom(ua.match(/\bVersion\/(\d+)(?:\.(\d+))?/)) };
  }
  return { engine: 'unknown', ios: false, version: null };
}

function unsupported(message: string): SupportResult {
  return { ok: false, reason: { code: 'unsupported-browser', message: `unsupported browser: ${message}` } };
}

export function detectWebContainerSupport(env: SupportEnvironment): SupportResult {
  if (!env.crossOriginIsolated) {
    return {
      ok: false,
      reason: {
        code: 'not-isolated',
        message:
          'not cross-origin isolated: the page must be served with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp',
      },
    };
  }
  if (!env.hasSharedArrayBuffer) {
    return {
      ok: false,
      reason: { code: 'no-shared-array-buffer', message: 'no SharedArrayBuffer: this browser does not provide it to the page' },
    };
  }
  const browser = classifyBrowser(env.userAgent, env.maxTouchPoints ?? 0);
  const min = MIN_WEBKIT_VERSION.join('.');
  if (browser.ios) {
    if (!env.allowIOS) return unsupported('WebContainers on iOS and iPadOS are beta and used only on request');
    if (browser.version && !atLeast(browser.version, MIN_WEBKIT_VERSION)) {
      return unsupported(`iOS ${browser.version.join('.')} is older than iOS ${min}, the first that runs WebContainers`);
    }
    return { ok: true };
  }
  switch (browser.engine) {
    case 'chromium':
    case 'firefox':
      return { ok: true };
    case 'safari':
      if (!browser.version || !atLeast(browser.version, MIN_WEBKIT_VERSION)) {
        const which = browser.version ? `Safari ${browser.version.join('.')}` : 'this Safari';
        return unsupported(`${which} is older than Safari ${min}, the first that runs WebContainers`);
      }
      return { ok: true };
    default:
      return unsupported('WebContainers run in Chromium-based browsers, Firefox and Safari 16.4 or later');
  }
}

/** The environment of the running page, read from `globalThis` (safe outside a browser). */
export function currentEnvironment(options: { allowIOS?: boolean } = {}): SupportEnvironment {
  const g = globalThis as { crossOriginIsolated?: unknown; navigator?: { userAgent?: unknown; maxTouchPoints?: unknown } };
  const nav = g.navigator;
  return {
    crossOriginIsolated: g.crossOriginIsolated === true,
    hasSharedArrayBuffer: typeof SharedArrayBuffer === 'function',
    userAgent: typeof nav?.userAgent === 'string' ? nav.userAgent : '',
    allowIOS: options.allowIOS ?? false,
    maxTouchPoints: typeof nav?.maxTouchPoints === 'number' ? nav.maxTouchPoints : 0,
  };
}
