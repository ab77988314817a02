/**
 * The little Markdown a question's text uses (`code` and **bold**), as parts for the page to render
 * as elements: never HTML, so a question can't inject markup.
 */
export interface InlinePart {
  text: string;
  kind: 'text' | 'code' | 'strong';
}

export function inlineParts(source: string): InlinePart[] {
  const parts: InlinePart[] = [];
  const pattern = /`([^`]+)`|\*\*([^*]+)\*\*/g;
  let at = 0;
  for (let m = pattern.exec(source); m; m = pattern.exec(source)) {
    if (m.index > at) parts.push({ text: source.slice(at, m.index), kind: 'text' });
    parts.push(m[1] !== undefined ? { text: m[1], kind: 'code' } : { text: m[2]!, kind: 'strong' });
    at = m.index + m[0].length;
  }
  if (at < source.length) parts.push({ text: source.slice(at), kind: 'text' });
  return parts;
}
