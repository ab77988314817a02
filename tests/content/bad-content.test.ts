import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { compileContent } from '../../src/lib/content/build/compile';
import { formatProblem } from '../../src/lib/content/types';
import { goodFixture, projectRoot, scratchContent } from './helpers';

let scratch: ReturnType<typeof scratchContent> | undefined;
afterEach(() => scratch?.cleanup());

async function problemsAfter(breakIt: (s: ReturnType<typeof scratchContent>) => void): Promise<string[]> {
  scratch = scratchContent();
  breakIt(scratch);
  const { problems } = await compileContent(scratch.root, scratch.dir);
  return problems.map(formatProblem);
}

const ALPHA_EN = 'lessons/alpha/en.md';
const ALPHA_ZH = 'lessons/alpha/zh.md';

describe('content validation', () => {
  it('accepts the good fixture', async () => {
    const { problems, lessons, bodies } = await compileContent(projectRoot, goodFixture);
    expect(problems.map(formatProblem)).toEqual([]);
    expect(lessons.map((l) => l.id)).toEqual(['alpha', 'beta']);
    expect(bodies.size).toBe(4);
  });

  it('reports a missing language at the sibling file', async () => {
    const problems = await problemsAfter((s) => rmSync(join(s.dir, 'lessons/beta/en.md')));
    expect(problems).toContain('content/lessons/beta/zh.md:1: lesson "beta" has no en.md: every lesson needs zh.md and en.md');
  });

  it('reports an unknown frontmatter key at its line', async () => {
    const problems = await problemsAfter((s) => s.edit(ALPHA_EN, (t) => t.replace('order: 1', 'order: 1\nauthor: someone')));
    expect(problems).toEqual([
      `content/${ALPHA_EN}:5: unknown key "author" (allowed: title, summary, order, tags, sims, exercises, terms)`,
    ]);
  });

  it('reports a missing required key and a wrong type', async () => {
    const problems = await problemsAfter((s) =>
      s.edit(ALPHA_EN, (t) => t.replace('summary: The first lesson, for tests.\n', '').replace('order: 1', 'order: first')),
    );
    expect(problems).toContain(`content/${ALPHA_EN}:2: missing required key "summary"`);
    expect(problems.some((p) => p.startsWith(`content/${ALPHA_EN}:3: order:`))).toBe(true);
  });

  it('reports YAML syntax errors at their line', async () => {
    const problems = await problemsAfter((s) => s.edit(ALPHA_ZH, (t) => t.replace('tags: [alpha, testing]', 'tags: [alpha, testing')));
    expect(problems.some((p) => /^content\/lessons\/alpha\/zh\.md:\d+: YAML: /.test(p))).toBe(true);
  });

  it('reports broken mermaid syntax at the line of the error', async () => {
    let line = 0;
    const problems = await problemsAfter((s) => {
      s.edit(ALPHA_EN, (t) => t.replace('B -->|no| D[reject]', 'B -->|no D[reject]'));
      line = s.lineOf(ALPHA_EN, 'B -->|no D[reject]');
    });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^content/${ALPHA_EN}:${line}: mermaid: Parse error`));
  });

  it('reports a link to a lesson that does not exist, and to a missing heading', async () => {
    let line = 0;
    const problems = await problemsAfter((s) => {
      s.edit(ALPHA_EN, (t) => t.replace('(/lessons/beta#details)', '(/lessons/gamma)'));
      s.edit(ALPHA_ZH, (t) => t.replace('(/lessons/beta#details)', '(/lessons/beta#nowhere)'));
      line = s.lineOf(ALPHA_EN, '/lessons/gamma');
    });
    expect(problems).toEqual([
      `content/${ALPHA_EN}:${line}: link to a lesson that does not exist: "gamma"`,
      `content/${ALPHA_ZH}:${line}: link to unknown heading "#nowhere" in lesson "beta"`,
    ]);
  });

  it('reports unknown simulations and exercises, in frontmatter and in links', async () => {
    const problems = await problemsAfter((s) => {
      s.edit(ALPHA_EN, (t) => t.replace('sims: [limiter]', 'sims: [limiter, teleporter]'));
      s.edit(ALPHA_ZH, (t) => t.replace('sims: [limiter]', 'sims: [limiter, teleporter]').replace('(/lessons/beta#details)', '(/exercises/juggling)'));
    });
    expect(problems).toContain(`content/${ALPHA_EN}:6: sims.1: unknown simulation "teleporter" (see src/lib/content/catalog.ts)`);
    expect(problems.some((p) => p.endsWith('link to unknown exercise "juggling"'))).toBe(true);
  });

  it('requires explicit, matching heading ids in both languages', async () => {
    const problems = await problemsAfter((s) => {
      s.edit('lessons/beta/en.md', (t) => t.replace('### More {#more}', '### More'));
      s.edit('lessons/beta/zh.md', (t) => t.replace('### 更多 {#more}', '### 更多 {#extra}'));
    });
    expect(problems).toContain('content/lessons/beta/en.md:12: heading "More" needs an explicit id: "More {#some-id}"');
    expect(problems.some((p) => p.startsWith('content/lessons/beta/zh.md:1: headings differ') || p.startsWith('content/lessons/beta/en.md:1: headings differ'))).toBe(true);
  });

  it('reports frontmatter that differs between languages', async () => {
    const problems = await problemsAfter((s) => s.edit(ALPHA_EN, (t) => t.replace('tags: [alpha, testing]', 'tags: [alpha]')));
    expect(problems).toEqual([`content/${ALPHA_EN}:2: frontmatter "tags" differs from content/${ALPHA_ZH}: ["alpha"] vs ["alpha","testing"]`]);
  });

  it('reports callouts without a title, unknown callouts and code without a language', async () => {
    const problems = await problemsAfter((s) =>
      s.edit(ALPHA_EN, (t) =>
        t
          .replace('::: followup How big is a burst?', '::: followup')
          .replace('::: pitfall A new limiter per request', '::: warning A new limiter per request')
          .replace('```go\npackage main', '```\npackage main'),
      ),
    );
    expect(problems.some((p) => /alpha\/en\.md:\d+: a "followup" callout needs a title/.test(p))).toBe(true);
    expect(problems.some((p) => /alpha\/en\.md:\d+: unknown or unbalanced callout "::: warning/.test(p))).toBe(true);
    expect(problems.some((p) => /alpha\/en\.md:\d+: a code block needs a language/.test(p))).toBe(true);
  });

  it('reports a body that starts with a level-one heading and duplicate orders', async () => {
    const problems = await problemsAfter((s) => {
      s.edit('lessons/beta/en.md', (t) => t.replace('order: 2', 'order: 1'));
      s.edit('lessons/beta/zh.md', (t) => t.replace('order: 2', 'order: 1').replace('## 细节 {#details}', '# 细节 {#details}'));
    });
    expect(problems.some((p) => p.includes('order 1 is already used by lesson "alpha"'))).toBe(true);
    expect(problems.some((p) => /beta\/zh\.md:\d+: the body starts at "##"/.test(p))).toBe(true);
  });

  it('refuses images from another origin', async () => {
    let line = 0;
    const problems = await problemsAfter((s) => {
      s.edit(ALPHA_EN, (t) => t.replace('A token bucket allows bursts;', '![diagram](https://example.com/x.png) A token bucket allows bursts;'));
      line = s.lineOf(ALPHA_EN, 'https://example.com/x.png');
    });
    expect(problems).toEqual([
      `content/${ALPHA_EN}:${line}: image "https://example.com/x.png" must be a file of this site (an absolute path like /images/x.svg): nothing is loaded from another origin`,
    ]);
  });

  it('reports a code block that differs between languages, but not a translated comment', async () => {
    let line = 0;
    const problems = await problemsAfter((s) => {
      s.edit(ALPHA_ZH, (t) => t.replace('func main() {}', '// 入口:这条注释只在中文版里\nfunc main() {}'));
      s.edit(ALPHA_EN, (t) => t.replace('func main() {}', 'func main() { println("x // not a comment") }'));
      line = s.lineOf(ALPHA_EN, 'package main');
    });
    expect(problems).toEqual([
      `content/${ALPHA_EN}:${line}: code block 1 differs from content/${ALPHA_ZH}:${line} (comments aside) at code line 2: ${JSON.stringify('func main() { println("x // not a comment") }')} vs "func main() {}"`,
    ]);
  });

  it('reports glossary terms that name a missing heading or differ between languages', async () => {
    const term = (text: string, heading: string) =>
      `terms:\n  - id: token-bucket\n    term: ${text}\n    heading: ${heading}\n    definition: A limiter that refills tokens at a fixed rate.\n`;
    const problems = await problemsAfter((s) => {
      s.edit(ALPHA_EN, (t) => t.replace('exercises: [token-bucket]\n', `exercises: [token-bucket]\n${term('token bucket', 'no-such-heading')}`));
      s.edit(ALPHA_ZH, (t) => t.replace('exercises: [token-bucket]\n', `exercises: [token-bucket]\n${term('令牌桶', 'token-bucket')}`));
    });
    expect(problems).toContain(`content/${ALPHA_EN}:2: term "token-bucket" names unknown heading "no-such-heading"`);
    expect(problems.some((p) => p.includes('terms differ from') && p.includes('token-bucket@no-such-heading'))).toBe(true);
  });

  it('collects the glossary from both languages', async () => {
    scratch = scratchContent();
    const term = (text: string, definition: string) =>
      `terms:\n  - id: token-bucket\n    term: ${text}\n    heading: token-bucket\n    definition: ${definition}\n`;
    scratch.edit(ALPHA_EN, (t) => t.replace('exercises: [token-bucket]\n', `exercises: [token-bucket]\n${term('token bucket', 'Refills tokens at a fixed rate.')}`));
    scratch.edit(ALPHA_ZH, (t) => t.replace('exercises: [token-bucket]\n', `exercises: [token-bucket]\n${term('令牌桶', '按固定速率补充令牌。')}`));
    const { problems, glossary } = await compileContent(scratch.root, scratch.dir);
    expect(problems.map(formatProblem)).toEqual([]);
    expect(glossary).toEqual([
      {
        id: 'token-bucket',
        lesson: 'alpha',
        heading: 'token-bucket',
        langs: { zh: { term: '令牌桶', definition: '按固定速率补充令牌。' }, en: { term: 'token bucket', definition: 'Refills tokens at a fixed rate.' } },
      },
    ]);
  });
});
