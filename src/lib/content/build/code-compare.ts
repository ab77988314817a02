/**
 * The code of a block with its comments removed and its whitespace normalised, so that the zh and en
 * versions of a lesson can be checked to show the same code while commenting it in their own
 * language. A small scanner, not a regex: `//` inside a string or a URL in a string is code, not a
 * comment.
 */

type CommentStyle = { line: readonly string[]; block: boolean; quotes: readonly string[] };

const C_LIKE: CommentStyle = { line: ['//'], block: true, quotes: ['"', "'", '`'] };
const STYLES: Record<string, CommentStyle> = {
  go: C_LIKE,
  ts: C_LIKE,
  proto: C_LIKE,
  json: { line: [], block: false, quotes: ['"'] },
  yaml: { line: ['#'], block: false, quotes: ['"', "'"] },
  bash: { line: ['#'], block: false, quotes: ['"', "'"] },
  sql: { line: ['--'], block: true, quotes: ["'", '"'] },
};

/** Whether blocks of this language are compared; `text` blocks are prose-like and may be translated. */
export function isComparedLanguage(lang: string): boolean {
  return Object.hasOwn(STYLES, lang);
}

export function stripComments(code: string, lang: string): string {
  const style = STYLES[lang];
  if (!style) return normalise(code);
  let out = '';
  let i = 0;
  while (i < code.length) {
    const ch = code[i]!;
    if (style.quotes.includes(ch)) {
      const end = closingQuote(code, i, ch);
      out += code.slice(i, end);
      i = end;
      continue;
    }
    const lineMarker = style.line.find((m) => code.startsWith(m, i) && (m !== '#' || i === 0 || /\s/.test(code[i - 1]!)));
    if (lineMarker) {
      while (i < code.length && code[i] !== '\n') i++;
      continue;
    }
    if (style.block && code.startsWith('/*', i)) {
      const end = code.indexOf('*/', i + 2);
      i = end === -1 ? code.length : end + 2;
      out += ' ';
      continue;
    }
    out += ch;
    i++;
  }
  return normalise(out);
}

/** The index just past the string that opens at `start`; backquoted strings span lines and have no escapes. */
function closingQuote(code: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < code.length) {
    const ch = code[i]!;
    if (ch === '\\' && quote !== '`') {
      i += 2;
      continue;
    }
    if (ch === quote) return i + 1;
    if (ch === '\n' && quote !== '`') return i;
    i++;
  }
  return code.length;
}

function normalise(code: string): string {
  return code
    .split('\n')
    .map((l) => l.replace(/\s+/g, ' ').trim())
    .filter((l) => l.length > 0)
    .join('\n');
}
