/**
 * Renders the lesson's ```mermaid figures in the browser. mermaid (~1 MB) is imported only when a
 * page has a diagram, so it never lands in the initial chunk. Diagrams were parsed at build time; a
 * failure here is still shown in place, never as a blank box.
 */
import type { Mermaid } from 'mermaid';

let mermaidModule: Promise<Mermaid> | undefined;
let renderCount = 0;
/** Bumped by every call: a render loop that sees a newer generation stops (theme flipped, page left). */
let generation = 0;

function loadMermaid(): Promise<Mermaid> {
  mermaidModule ??= import('mermaid')
    .then((m) => m.default)
    .catch((error: unknown) => {
      mermaidModule = undefined; // let the next page try again (e.g. back online)
      throw error;
    });
  return mermaidModule;
}

export interface DiagramLabels {
  diagram: string;
  error: (message: string) => string;
}

export async function renderDiagrams(root: HTMLElement, theme: 'light' | 'dark', labels: DiagramLabels): Promise<number> {
  const figures = [...root.querySelectorAll<HTMLElement>('figure[data-diagram]')];
  if (figures.length === 0) return 0;
  const mine = ++generation;
  const mermaid = await loadMermaid();
  if (mine !== generation) return 0;
  mermaid.initialize({
    startOnLoad: false,
    securityLevel: 'strict',
    theme: theme === 'dark' ? 'dark' : 'default',
    // mermaid's dark edge labels (#ccc on #585858) miss WCAG AA; a darker plate passes.
    themeVariables: theme === 'dark' ? { edgeLabelBackground: '#30363d' } : {},
    fontFamily: getComputedStyle(document.body).fontFamily,
  });
  let rendered = 0;
  for (const figure of figures) {
    if (mine !== generation || !figure.isConnected) break;
    const source = figure.querySelector('.diagram-source')?.textContent ?? '';
    let output = figure.querySelector<HTMLElement>('.diagram-output');
    if (!output) {
      output = document.createElement('div');
      output.className = 'diagram-output';
      output.setAttribute('role', 'img');
      output.setAttribute('aria-label', labels.diagram);
      figure.append(output);
    }
    try {
      const { svg } = await mermaid.render(`lab-diagram-${++renderCount}`, source);
      output.innerHTML = svg;
      figure.dataset.rendered = theme;
      rendered++;
    } catch (error) {
      output.textContent = labels.error(error instanceof Error ? error.message : String(error));
      output.classList.add('diagram-error');
      figure.dataset.rendered = 'error';
    }
  }
  return rendered;
}
