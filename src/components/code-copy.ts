/** Adds a "copy" button to every highlighted code block in `root` (idempotent). */
export function addCopyButtons(root: HTMLElement, labels: { copy: string; copied: string }): void {
  for (const pre of root.querySelectorAll<HTMLPreElement>('pre.code')) {
    if (pre.parentElement?.classList.contains('code-wrap')) continue;
    const wrap = document.createElement('div');
    wrap.className = 'code-wrap';
    pre.replaceWith(wrap);
    wrap.append(pre);
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'copy-button';
    button.textContent = labels.copy;
    button.addEventListener('click', async () => {
      await navigator.clipboard.writeText(pre.textContent ?? '');
      button.textContent = labels.copied;
      setTimeout(() => (button.textContent = labels.copy), 1500);
    });
    wrap.append(button);
  }
}
