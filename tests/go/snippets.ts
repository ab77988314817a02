/**
 * The snippet check: every ```go block of every lesson and exercise instruction (zh and en) is
 * written to its own package of a scratch module that has tests/go's go.mod and go.sum (so the
 * blocks compile against exactly the pinned library versions), then `go vet` runs over them all.
 *
 * Each generated file starts with a `//line <markdown file>:<line>` directive, so the compiler and
 * vet report positions in the Markdown itself. Failures are reported as
 * `content/lessons/<id>/<lang>.md:<line of the block's fence>: <vet's message at the mapped line>`.
 *
 * Info string convention (tests/go/README.md):
 *   ```go                                    a complete file (package clause, imports, code)
 *   ```go fragment imports="context,time"    statements: wrapped in `func _() { ... }`
 *   ```go fragment=decls imports="fmt"       top-level declarations: wrapped in a package only
 * Anything else after `go` is an error, so a typo cannot turn a check off.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { LineCounter, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { run } from './run.ts';

export interface GoBlock {
  /** Relative to the repository root, e.g. content/lessons/registry/en.md. */
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  kind: 'file' | 'statements' | 'decls';
  imports: string[];
  code: string;
}

export interface SnippetResult {
  files: number;
  blocks: GoBlock[];
  /** Problems as `file:line: message`, empty when every block passes. */
  problems: string[];
}

/** The Markdown files whose Go blocks are checked. */
export function snippetSources(root: string): string[] {
  const files: string[] = [];
  for (const kind of ['lessons', 'exercises']) {
    const dir = join(root, 'content', kind);
    if (!existsSync(dir)) continue;
    for (const id of readdirSync(dir).sort()) {
      for (const lang of ['zh', 'en']) {
        const f = join(dir, id, `${lang}.md`);
        if (existsSync(f)) files.push(relative(root, f));
      }
    }
  }
  return files;
}

/**
 * The fenced code blocks tagged `go`, following CommonMark's fence rules (``` or ~~~, at least
 * three, indented at most three spaces, closed by a like fence at least as long). A `go` fence that
 * these rules do not reach (inside a list item or a blockquote) is an error, never a silent skip.
 */
export function extractGoBlocks(file: string, text: string): { blocks: GoBlock[]; problems: string[] } {
  const lines = text.split(/\r?\n/);
  const blocks: GoBlock[] = [];
  const problems: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^( {0,3})(`{3,}|~{3,})(.*)$/.exec(lines[i]!);
    if (!open) {
      if (/^[\s>*+\-\d.)]*(`{3,}|~{3,})\s*go\b/.test(lines[i]!)) {
        problems.push(`${file}:${i + 1}: a go block nested in a list or quote is not checked; move it to the top level`);
      }
      continue;
    }
    const [, indent, fence, info] = open as unknown as [string, string, string, string];
    if (fence[0] === '`' && info.includes('`')) continue; // not a fence: inline code
    const start = i;
    const body: string[] = [];
    const close = new RegExp(`^ {0,3}${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`);
    for (i++; i < lines.length && !close.test(lines[i]!); i++) {
      body.push(lines[i]!.replace(new RegExp(`^ {0,${indent.length}}`), ''));
    }
    if (i >= lines.length) problems.push(`${file}:${start + 1}: code block is never closed`);
    const words = info.trim().match(/[^\s"=]+(?:=(?:"[^"]*"|\S*))?|\S+/g) ?? [];
    if (words[0] !== 'go') continue;
    const block: GoBlock = { file, line: start + 1, kind: 'file', imports: [], code: body.join('\n') };
    for (const word of words.slice(1)) {
      const m = /^([a-z]+)(?:=(?:"([^"]*)"|(\S*)))?$/.exec(word);
      const [key, value] = m ? [m[1], m[2] ?? m[3]] : [word, undefined];
      if (key === 'fragment' && (value === undefined || value === 'statements' || value === 'decls')) {
        block.kind = value === 'decls' ? 'decls' : 'statements';
      } else if (key === 'imports' && value !== undefined) {
        block.imports = value.split(',').map((s) => s.trim()).filter(Boolean);
      } else {
        problems.push(`${file}:${start + 1}: unknown word "${word}" in the info string (see tests/go/README.md)`);
      }
    }
    if (block.kind === 'file' && block.imports.length > 0) {
      problems.push(`${file}:${start + 1}: imports="..." is for fragments; a complete file has its own import block`);
    }
    blocks.push(block);
  }
  return { blocks, problems };
}

/** The generated Go file; its //line directive maps every line of the code to the Markdown. */
function goFile(root: string, block: GoBlock): string {
  const at = `//line ${join(root, block.file)}:${block.line + 1}:1`;
  if (block.kind === 'file') return `${at}\n${block.code}\n`;
  const imports = block.imports.map((p) => `\t${JSON.stringify(p)}\n`).join('');
  const header = `package fragment\n\nimport (\n${imports})\n\n`;
  return block.kind === 'decls' ? `${header}${at}\n${block.code}\n` : `${header}func _() {\n${at}\n${block.code}\n}\n`;
}

/**
 * The `code` of the quiz's code-reading questions (content/quiz/*.yaml): complete Go files, checked
 * like a lesson's blocks. A block scalar (`code: |`) starts on the line after its key, as a fence does.
 */
export function quizGoBlocks(root: string): { files: string[]; blocks: GoBlock[] } {
  const dir = join(root, 'content', 'quiz');
  const files: string[] = [];
  const blocks: GoBlock[] = [];
  if (!existsSync(dir)) return { files, blocks };
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()) {
    const file = relative(root, join(dir, name));
    files.push(file);
    const lineCounter = new LineCounter();
    const doc = parseDocument(readFileSync(join(dir, name), 'utf8'), { lineCounter });
    const questions = doc.get('questions', true);
    if (!isSeq(questions)) continue;
    for (const item of questions.items) {
      if (!isMap(item)) continue;
      const code = item.get('code', true);
      if (!isScalar(code) || typeof code.value !== 'string' || !code.range) continue;
      blocks.push({ file, line: lineCounter.linePos(code.range[0]).line, kind: 'file', imports: [], code: code.value });
    }
  }
  return { files, blocks };
}

export async function checkSnippets(root: string): Promise<SnippetResult> {
  const quiz = quizGoBlocks(root);
  const files = [...snippetSources(root), ...quiz.files];
  const blocks: GoBlock[] = [...quiz.blocks];
  const problems: string[] = [];
  for (const file of files.filter((f) => f.endsWith('.md'))) {
    const extracted = extractGoBlocks(file, readFileSync(join(root, file), 'utf8'));
    blocks.push(...extracted.blocks);
    problems.push(...extracted.problems);
  }
  if (blocks.length === 0) return { files: files.length, blocks, problems };

  const module = mkdtempSync(join(tmpdir(), 'go-snippets-'));
  try {
    for (const f of ['go.mod', 'go.sum']) writeFileSync(join(module, f), readFileSync(join(root, 'tests/go', f)));
    const dirs = new Map<string, GoBlock>();
    for (const block of blocks) {
      // e.g. content/lessons/rate-limiting/en.md:159 → lessons/rate-limiting/en/L159
      const dir = join(block.file.replace(/^content\//, '').replace(/\.md$/, ''), `L${block.line}`);
      mkdirSync(join(module, dir), { recursive: true });
      writeFileSync(join(module, dir, 'snippet.go'), goFile(root, block));
      dirs.set(join(module, dir), block);
    }
    // -mod=readonly: a block importing a module that go.mod does not pin fails instead of adding it.
    const env = { ...process.env, GOWORK: 'off', GOFLAGS: [process.env.GOFLAGS, '-mod=readonly'].filter(Boolean).join(' ') };
    // Load errors first (a missing module, a syntax error): `go vet` would stop at the first one
    // and leave the other blocks unchecked.
    const list = await run('go', ['list', '-e', '-json=ImportPath,Dir,Error,DepsErrors', './...'], { cwd: module, env });
    if (list.startError) throw list.startError;
    if (list.code !== 0) throw new Error(`go list failed:\n${list.stderr}`);
    const loadable: string[] = [];
    for (const text of list.stdout.trim().split(/\n(?=\{)/)) {
      const pkg = JSON.parse(text) as GoListPackage;
      if (!pkg.Error && !pkg.DepsErrors) loadable.push(pkg.ImportPath);
      // The package's own error has a position in it (a syntax error: in the Markdown); a
      // dependency's error is shared by its importers, so it is reported for each of them.
      if (pkg.Error) problems.push(...mapMessages(root, module, blocks, dirs, pkg.Error.Pos ? `${pkg.Error.Pos}: ${pkg.Error.Err}` : pkg.Error.Err, pkg.Dir));
      for (const e of pkg.DepsErrors ?? []) problems.push(...mapMessages(root, module, blocks, dirs, e.Err, pkg.Dir));
    }
    if (loadable.length > 0) {
      const vet = await run('go', ['vet', ...loadable], { cwd: module, env });
      if (vet.code !== 0) {
        const found = mapMessages(root, module, blocks, dirs, `${vet.stdout}${vet.stderr}`);
        problems.push(...(found.length > 0 ? found : [`go vet failed without a message:\n${vet.stdout}${vet.stderr}`]));
      }
    }
  } finally {
    rmSync(module, { recursive: true, force: true });
  }
  return { files: files.length, blocks, problems };
}

interface GoListPackage {
  ImportPath: string;
  Dir: string;
  Error?: { Pos?: string; Err: string };
  DepsErrors?: { Pos?: string; Err: string }[];
}

/**
 * Maps the go tool's messages to `file:fence line: message`, one problem per message. A position
 * is either in the Markdown (through //line) or in a generated file (messages that ignore //line,
 * e.g. a missing module); `dir` names the package of a message that has no position.
 */
function mapMessages(root: string, module: string, blocks: GoBlock[], dirs: Map<string, GoBlock>, output: string, dir?: string): string[] {
  const problems: string[] = [];
  const ends = new Map(blocks.map((b) => [b, b.line + b.code.split('\n').length + 1]));
  for (const raw of output.split('\n')) {
    const line = raw.replace(/^vet: /, '').trimEnd();
    if (line === '' || line.startsWith('#')) continue; // blank, or a package header
    const md = /^(\S+\.md):(\d+)(?::(\d+))?: (.*)$/.exec(line);
    if (md) {
      // The go tool prints the //line file name relative to its working directory.
      const [, path, l, col, message] = md as unknown as [string, string, string, string | undefined, string];
      const file = relative(root, resolve(module, path));
      const n = Number(l);
      const block = blocks.find((b) => b.file === file && b.line < n && n < ends.get(b)!);
      problems.push(`${file}:${block?.line ?? n}: ${file}:${n}${col ? `:${col}` : ''}: ${message}`);
      continue;
    }
    const gen = /^(\S+)\/snippet\.go(?::\d+)?(?::\d+)?: (.*)$/.exec(line);
    // A package's load error is reported for that package, wherever its position points.
    const block = dir ? dirs.get(dir) : gen ? dirs.get(resolve(module, gen[1]!)) : undefined;
    if (block) problems.push(`${block.file}:${block.line}: ${gen ? gen[2] : line}`);
    else if (/^\s/.test(line) && problems.length > 0) problems[problems.length - 1] += `\n    ${line.trim()}`; // a continuation
    else problems.push(`go: ${line}`);
  }
  return problems;
}

