/**
 * Type-checks an exercise the way the learner's editor sees it: the test file next to a module named
 * `<id>.ts` whose text is the solution (or the starter). The compiler host serves that one virtual
 * file; everything else comes from disk, with the project's strict settings.
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

export type ExerciseTarget = 'solution' | 'starter';

const OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'],
  types: [],
  strict: true,
  noUncheckedIndexedAccess: true,
  noImplicitOverride: true,
  verbatimModuleSyntax: true,
  isolatedModules: true,
  skipLibCheck: true,
  noEmit: true,
  allowImportingTsExtensions: true,
};

/** Readable diagnostics ("file:line:col message"), empty when the exercise type-checks. */
export function typeCheckExercise(dir: string, target: ExerciseTarget): string[] {
  const id = path.basename(dir);
  const moduleFile = path.resolve(dir, `${id}.ts`);
  const moduleText = fs.readFileSync(path.join(dir, `${target}.ts`), 'utf8');
  const testFile = path.resolve(dir, `${id}.test.ts`);
  const host = ts.createCompilerHost(OPTIONS);
  const getSourceFile = host.getSourceFile.bind(host);
  host.fileExists = (name) => path.resolve(name) === moduleFile || ts.sys.fileExists(name);
  host.readFile = (name) => (path.resolve(name) === moduleFile ? moduleText : ts.sys.readFile(name));
  host.getSourceFile = (name, languageVersion, onError, shouldCreate) =>
    path.resolve(name) === moduleFile
      ? ts.createSourceFile(name, moduleText, languageVersion, true)
      : getSourceFile(name, languageVersion, onError, shouldCreate);
  const program = ts.createProgram([testFile, moduleFile], OPTIONS, host);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    if (!d.file || d.start === undefined) return text;
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
    const shown = path.resolve(d.file.fileName) === moduleFile ? path.join(dir, `${target}.ts`) : d.file.fileName;
    return `${path.relative(process.cwd(), shown)}:${line + 1}:${character + 1} ${text}`;
  });
}
