/**
 * Chinese text must never render as tofu. On systems without a CJK font the self-hosted Noto Sans SC
 * fills in, split by unicode-range into ~100 subsets that load on demand. Chromium shapes text that
 * appears while a subset is still loading with a fallback that has no glyph, and keeps that shaping
 * after the subset arrives (seen here: headings stayed as boxes long after `document.fonts.ready`).
 * Flipping an inherited font property once the loads have settled makes it shape that text again;
 * `data-font-pass` alternates between "a" and "b" (styles.css) and tells tests that it happened.
 */
export function reshapeTextWhenFontsLoad(fonts: FontFaceSet = document.fonts): void {
  let scheduled = false;
  fonts.addEventListener('loadingdone', () => {
    if (scheduled) return;
    scheduled = true;
    void fonts.ready.then(() => {
      scheduled = false;
      requestAnimationFrame(() => {
        const root = document.documentElement;
        root.dataset.fontPass = root.dataset.fontPass === 'a' ? 'b' : 'a';
      });
    });
  });
}
