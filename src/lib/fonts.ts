/**
 * Chinese text must never render as tofu. On systems without a CJK font the self-hosted Noto Sans SC
 * fills in, split by unicode-range into ~100 subsets that load on demand. Chromium shapes text that
 * appears while a subset is still loading with a fallback that has no glyph, and keeps that shaping
 * after the subset arrives (seen here: headings stayed as boxes long after `document.fonts.ready`).
 * Flipping an inherited font property makes it shape that text again. It flips once the loads of a
 * batch have settled, and once more when font loading has been quiet for a second (a batch that
 * ends while another starts, under load, was seen to leave a few words behind).
 * `data-font-pass` alternates between "a" and "b" (styles.css) and tells tests that it happened.
 */
const QUIET_MS = 1000;

export function reshapeTextWhenFontsLoad(fonts: FontFaceSet = document.fonts): void {
  let scheduled = false;
  let quietTimer: ReturnType<typeof setTimeout> | undefined;
  const flip = () => {
    const root = document.documentElement;
    root.dataset.fontPass = root.dataset.fontPass === 'a' ? 'b' : 'a';
  };
  const onLoadsEnded = () => {
    clearTimeout(quietTimer);
    quietTimer = setTimeout(() => requestAnimationFrame(flip), QUIET_MS);
    if (scheduled) return;
    scheduled = true;
    void fonts.ready.then(() => {
      scheduled = false;
      requestAnimationFrame(flip);
    });
  };
  fonts.addEventListener('loadingdone', onLoadsEnded);
  fonts.addEventListener('loadingerror', onLoadsEnded);
}
