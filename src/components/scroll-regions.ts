/**
 * A table wider than the column scrolls sideways inside its `.table-wrap`; keyboard users can only
 * scroll it if it can take focus (WCAG 2.1.1, axe's scrollable-region-focusable). Only wrappers that
 * actually overflow become focusable regions, so narrow tables add no tab stops.
 */
export function labelScrollableTables(root: HTMLElement, label: string): () => void {
  const update = () => {
    for (const wrap of root.querySelectorAll<HTMLElement>('.table-wrap')) {
      if (wrap.scrollWidth > wrap.clientWidth + 1) {
        wrap.tabIndex = 0;
        wrap.setAttribute('role', 'region');
        wrap.setAttribute('aria-label', label);
      } else {
        wrap.removeAttribute('tabindex');
        wrap.removeAttribute('role');
        wrap.removeAttribute('aria-label');
      }
    }
  };
  update();
  addEventListener('resize', update, { passive: true });
  return () => removeEventListener('resize', update);
}
