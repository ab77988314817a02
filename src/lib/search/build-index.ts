/**
 * Builds the search index at build time from the compiled content: every lesson section (heading
 * and prose) in both languages, the glossary terms, the quiz questions, and the exercises. The
 * browser loads it only when a search starts (`virtual:content/search`).
 */
import { EXERCISES } from '../content/catalog.ts';
import type { CompiledContent } from '../content/build/compile.ts';
import { LANGS } from '../content/types.ts';
import type { SearchDoc, SearchIndex } from './index-types.ts';
import { indexTerms } from './tokenize.ts';

export function buildSearchIndex(content: CompiledContent): SearchIndex {
  const docs: SearchDoc[] = [];
  for (const lesson of content.lessons) {
    for (const lang of LANGS) {
      const summary = lesson.langs[lang];
      for (const section of content.sections.get(`${lesson.id}/${lang}`) ?? []) {
        const heading = summary.headings.find((h) => h.id === section.id);
        docs.push({
          kind: 'lesson',
          lang,
          href: heading ? `/lessons/${lesson.id}#${heading.id}` : `/lessons/${lesson.id}`,
          title: heading?.text ?? summary.title,
          context: summary.title,
          text: heading ? section.text : `${summary.summary} ${section.text}`,
        });
      }
    }
  }
  for (const entry of content.glossary) {
    for (const lang of LANGS) {
      const lessonTitle = content.lessons.find((l) => l.id === entry.lesson)?.langs[lang].title ?? entry.lesson;
      docs.push({ kind: 'term', lang, href: `/lessons/${entry.lesson}#${entry.heading}`, title: entry.langs[lang].term, context: lessonTitle, text: entry.langs[lang].definition });
    }
  }
  for (const q of content.quiz) {
    for (const lang of LANGS) {
      const text = q[lang];
      const lessonTitle = content.lessons.find((l) => l.id === q.topic)?.langs[lang].title ?? q.topic;
      docs.push({ kind: 'quiz', lang, href: q.lesson, title: text.prompt, context: lessonTitle, text: [...(text.choices ?? []), ...(text.items ?? []), text.explanation].join(' ') });
    }
  }
  for (const [id, names] of Object.entries(EXERCISES)) {
    for (const lang of LANGS) docs.push({ kind: 'exercise', lang, href: `/exercises/${id}`, title: names[lang], context: '', text: '' });
  }

  // No prototype: "constructor" is a word too.
  const body = Object.create(null) as Record<string, number[]>;
  const titles = Object.create(null) as Record<string, number[]>;
  const lengths: number[] = [];
  docs.forEach((doc, i) => {
    // A question's "title" is its whole prompt: body text, not a heading, so it gets no title boost.
    const isHeading = doc.kind !== 'quiz';
    const terms = indexTerms(isHeading ? doc.text : `${doc.title} ${doc.text}`);
    lengths.push(terms.length);
    const counts = new Map<string, number>();
    for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
    for (const [term, n] of counts) (body[term] ??= []).push(i, n);
    if (isHeading) for (const term of new Set(indexTerms(doc.title))) (titles[term] ??= []).push(i);
  });
  return { docs, body, titles, lengths };
}
