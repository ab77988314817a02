/**
 * Build-time Markdown compiler (runs in Node inside the Vite plugin and the content tests; the
 * client ships no Markdown parser). markdown-it gives every block token its source line, which is
 * what lets each problem be reported as `file:line`.
 *
 * Extensions over CommonMark + GFM tables:
 * - `## Heading {#id}`: explicit, language-independent heading ids (required on h2 and h3);
 * - `::: followup|pitfall|note Title` callouts;
 * - ```mermaid fences kept as source for the browser to render (and for the build to validate);
 * - every other fence highlighted by Shiki with light and dark colours as CSS variables.
 */
import MarkdownIt, { type PluginWithParams } from 'markdown-it';
import container from 'markdown-it-container';
import type Token from 'markdown-it/lib/token.mjs';
import { createHighlighter, type Highlighter } from 'shiki';
import type { ContentProblem, Heading, Lang } from '../types.ts';

export const CODE_LANGS = ['go', 'ts', 'typescript', 'proto', 'yaml', 'json', 'sql', 'bash', 'sh', 'text'] as const;
const SHIKI_LANGS = ['go', 'typescript', 'proto', 'yaml', 'json', 'sql', 'bash'] as const;
/** GitHub's "default" palettes: every token colour meets WCAG AA on its background (github-light's orange does not). */
export const SHIKI_THEMES = { light: 'github-light-default', dark: 'github-dark-default' } as const;

const CALLOUT_KINDS = ['followup', 'pitfall', 'note'] as const;
type CalloutKind = (typeof CALLOUT_KINDS)[number];

const CALLOUT_LABELS: Record<Lang, Record<CalloutKind, string>> = {
  zh: { followup: '面试追问', pitfall: '常见陷阱', note: '注' },
  en: { followup: 'Interviewer follow-up', pitfall: 'Pitfall', note: 'Note' },
};
const ANCHOR_LABEL: Record<Lang, string> = { zh: '本节链接', en: 'Link to this section' };

const HEADING_ID = /\s*\{#([^}]*)\}\s*$/;
const KEBAB = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export interface DiagramSource {
  source: string;
  /** 1-based line in the file of the diagram's first source line. */
  line: number;
}

export interface LinkRef {
  href: string;
  line: number;
}

export interface CodeBlock {
  lang: string;
  info: string;
  code: string;
  line: number;
}

/** The prose of one section (from a heading to the next), for the search index; code blocks left out. */
export interface SectionText {
  /** The heading's id, or '' for the text before the first heading. */
  id: string;
  text: string;
}

export interface CompiledMarkdown {
  html: string;
  sections: SectionText[];
  headings: Heading[];
  links: LinkRef[];
  diagrams: DiagramSource[];
  codeBlocks: CodeBlock[];
  /** Counted units of prose: CJK characters and other words, for the reading time. */
  cjkChars: number;
  words: number;
  problems: ContentProblem[];
}

interface Env {
  file: string;
  lang: Lang;
  /** Line in the file of the body's first line, minus one. */
  lineOffset: number;
  problems: ContentProblem[];
  headings: Heading[];
  links: LinkRef[];
  diagrams: DiagramSource[];
  codeBlocks: CodeBlock[];
}

export interface MarkdownCompiler {
  compile(body: string, file: string, lang: Lang, lineOffset: number): CompiledMarkdown;
}

let highlighterPromise: Promise<Highlighter> | undefined;

export async function createMarkdownCompiler(): Promise<MarkdownCompiler> {
  highlighterPromise ??= createHighlighter({
    themes: Object.values(SHIKI_THEMES),
    langs: [...SHIKI_LANGS],
  });
  const highlighter = await highlighterPromise;
  const md = new MarkdownIt({ html: false, linkify: false, typographer: false });

  md.core.ruler.push('lab_headings_links', (state) => {
    collectHeadingsAndLinks(state.tokens, state.env as Env);
  });
  for (const kind of CALLOUT_KINDS) installCallout(md, kind);
  installFences(md, highlighter);
  installHeadingAnchors(md);
  installExternalLinks(md);
  // Wide tables scroll inside a wrapper; the page makes overflowing ones keyboard-focusable.
  md.renderer.rules.table_open = () => '<div class="table-wrap"><table>\n';
  md.renderer.rules.table_close = () => '</table></div>\n';

  return {
    compile(body, file, lang, lineOffset) {
      const env: Env = { file, lang, lineOffset, problems: [], headings: [], links: [], diagrams: [], codeBlocks: [] };
      const tokens = md.parse(body, env);
      findStrayCalloutMarkers(tokens, env);
      const html = md.renderer.render(tokens, md.options, env);
      const sections = sectionTexts(tokens);
      const { cjkChars, words } = countProse(tokens);
      return {
        html,
        sections,
        headings: env.headings,
        links: env.links,
        diagrams: env.diagrams,
        codeBlocks: env.codeBlocks,
        cjkChars,
        words,
        problems: env.problems,
      };
    },
  };
}

function lineOf(token: Token, env: Env): number {
  return env.lineOffset + (token.map ? token.map[0] + 1 : 1);
}

function problem(env: Env, token: Token, message: string): void {
  env.problems.push({ file: env.file, line: lineOf(token, env), message });
}

function collectHeadingsAndLinks(tokens: Token[], env: Env): void {
  const seen = new Set<string>();
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.type === 'inline') {
      for (const child of token.children ?? []) {
        if (child.type === 'link_open') {
          env.links.push({ href: child.attrGet('href') ?? '', line: lineOf(token, env) });
        }
        if (child.type === 'image' && !/^\/(?!\/)/.test(child.attrGet('src') ?? '')) {
          problem(env, token, `image "${child.attrGet('src')}" must be a file of this site (an absolute path like /images/x.svg): nothing is loaded from another origin`);
        }
      }
    }
    if (token.type !== 'heading_open') continue;
    const depth = Number(token.tag.slice(1));
    const inline = tokens[i + 1]!;
    if (depth === 1) {
      problem(env, token, 'the body starts at "##"; the title comes from the frontmatter');
      continue;
    }
    const lastText = [...(inline.children ?? [])].reverse().find((c) => c.type === 'text');
    const match = lastText ? HEADING_ID.exec(lastText.content) : null;
    if (lastText && match) {
      lastText.content = lastText.content.slice(0, match.index);
      inline.content = inline.content.replace(HEADING_ID, '');
    }
    if (depth > 3 && !match) continue;
    const id = match?.[1] ?? '';
    if (!match) {
      problem(env, token, `heading "${inline.content}" needs an explicit id: "${inline.content} {#some-id}"`);
      continue;
    }
    if (!KEBAB.test(id)) {
      problem(env, token, `heading id "${id}" must be kebab-case (a-z, 0-9, -)`);
      continue;
    }
    if (seen.has(id)) {
      problem(env, token, `duplicate heading id "${id}"`);
      continue;
    }
    seen.add(id);
    token.attrSet('id', id);
    if (depth === 2 || depth === 3) {
      env.headings.push({ depth, id, text: plainText(inline) });
    }
  }
}

function sectionTexts(tokens: Token[]): SectionText[] {
  const sections: SectionText[] = [{ id: '', text: '' }];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const id = token.type === 'heading_open' ? token.attrGet('id') : null;
    if (id && (token.tag === 'h2' || token.tag === 'h3')) {
      sections.push({ id, text: '' });
      i++; // the heading's own text is the heading, indexed apart
      continue;
    }
    if (token.type !== 'inline') continue;
    const text = (token.children ?? [])
      .map((c) => (c.type === 'text' || c.type === 'code_inline' ? c.content : c.type === 'softbreak' || c.type === 'hardbreak' ? ' ' : ''))
      .join('');
    const last = sections[sections.length - 1]!;
    last.text = last.text ? `${last.text} ${text}` : text;
  }
  return sections.filter((s) => s.id !== '' || s.text.trim() !== '');
}

function plainText(inline: Token): string {
  return (inline.children ?? [])
    .filter((c) => c.type === 'text' || c.type === 'code_inline')
    .map((c) => c.content)
    .join('')
    .trim();
}

function installHeadingAnchors(md: MarkdownIt): void {
  md.renderer.rules.heading_close = (tokens, idx, _options, env: Env) => {
    const open = tokens[idx - 2];
    const id = open?.attrGet('id');
    // Hidden from assistive tech and the tab order: the table of contents links every heading,
    // and a label inside the heading would be read out as part of its name.
    const anchor = id
      ? `<a class="heading-anchor" href="#${id}" aria-hidden="true" tabindex="-1" title="${ANCHOR_LABEL[env.lang]}">#</a>`
      : '';
    return `${anchor}</${tokens[idx]!.tag}>\n`;
  };
}

function installExternalLinks(md: MarkdownIt): void {
  const fallback = md.renderer.rules.link_open ?? ((t, i, o, _e, s) => s.renderToken(t, i, o));
  md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
    const href = tokens[idx]!.attrGet('href') ?? '';
    // Same tab (no surprise new window), but no referrer and no window.opener for other sites.
    if (/^https?:\/\//.test(href)) tokens[idx]!.attrSet('rel', 'noopener noreferrer');
    return fallback(tokens, idx, options, env, self);
  };
}

function installCallout(md: MarkdownIt, kind: CalloutKind): void {
  // markdown-it-container's types describe an older markdown-it; the runtime API is the same.
  md.use(container as unknown as PluginWithParams, kind, {
    render(tokens: Token[], idx: number, _options: unknown, env: Env) {
      const token = tokens[idx]!;
      const label = CALLOUT_LABELS[env.lang][kind];
      if (token.nesting === 1) {
        const title = token.info.trim().slice(kind.length).trim();
        if (!title && kind !== 'note') problem(env, token, `a "${kind}" callout needs a title after "::: ${kind}"`);
        const titleHtml = title ? `<span class="callout-title">${md.renderInline(title, env)}</span>` : '';
        const kindHtml = `<span class="callout-kind">${label}</span>`;
        if (kind === 'followup') {
          return `<details class="callout callout-${kind}"><summary>${kindHtml}${titleHtml}</summary><div class="callout-body">\n`;
        }
        return `<aside class="callout callout-${kind}"><p class="callout-head">${kindHtml}${titleHtml}</p><div class="callout-body">\n`;
      }
      return kind === 'followup' ? '</div></details>\n' : '</div></aside>\n';
    },
  });
}

function findStrayCalloutMarkers(tokens: Token[], env: Env): void {
  let calloutDepth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.type === 'inline' && tokens[i - 1]?.type === 'paragraph_open' && /^:::/m.test(token.content)) {
      const info = token.content.split('\n').find((l) => l.startsWith(':::')) ?? ':::';
      problem(env, token, `unknown or unbalanced callout "${info.trim()}" (use ::: followup|pitfall|note Title … :::)`);
    }
    if (token.type.startsWith('container_')) {
      if (token.nesting === 1 && calloutDepth > 0) problem(env, token, 'callouts cannot nest');
      calloutDepth += token.nesting;
    }
  }
}

function installFences(md: MarkdownIt, highlighter: Highlighter): void {
  md.renderer.rules.fence = (tokens, idx, _options, env: Env) => {
    const token = tokens[idx]!;
    const info = token.info.trim();
    const lang = info.split(/\s+/)[0] ?? '';
    const firstLine = lineOf(token, env) + 1;
    if (lang === 'mermaid') {
      env.diagrams.push({ source: token.content, line: firstLine });
      return `<figure class="diagram" data-diagram><pre class="diagram-source">${md.utils.escapeHtml(token.content)}</pre></figure>\n`;
    }
    if (!lang) {
      problem(env, token, `a code block needs a language (${CODE_LANGS.join(', ')}, mermaid)`);
      return `<pre class="code"><code>${md.utils.escapeHtml(token.content)}</code></pre>\n`;
    }
    if (!(CODE_LANGS as readonly string[]).includes(lang)) {
      problem(env, token, `unsupported code language "${lang}" (use ${CODE_LANGS.join(', ')}, mermaid)`);
    }
    env.codeBlocks.push({ lang, info, code: token.content, line: firstLine });
    const shikiLang = lang === 'ts' ? 'typescript' : lang === 'sh' ? 'bash' : lang;
    if (!(SHIKI_LANGS as readonly string[]).includes(shikiLang)) {
      return `<pre class="code" data-lang="${md.utils.escapeHtml(lang)}" tabindex="0"><code>${md.utils.escapeHtml(token.content)}</code></pre>\n`;
    }
    const html = highlighter.codeToHtml(token.content.replace(/\n$/, ''), {
      lang: shikiLang,
      themes: SHIKI_THEMES,
      defaultColor: false,
    });
    return html.replace('<pre class="shiki', `<pre data-lang="${lang}" class="code shiki`) + '\n';
  };
}

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/g;

function countProse(tokens: Token[]): { cjkChars: number; words: number } {
  let cjkChars = 0;
  let words = 0;
  for (const token of tokens) {
    if (token.type !== 'inline') continue;
    const text = token.content;
    cjkChars += (text.match(CJK) ?? []).length;
    words += text.replace(CJK, ' ').split(/\s+/).filter((w) => /[A-Za-z0-9]/.test(w)).length;
  }
  return { cjkChars, words };
}
