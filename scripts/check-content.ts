/** `npm run content:check [dir]`: validates content without building the app. */
import { resolve } from 'node:path';
import { compileContent } from '../src/lib/content/build/compile';
import { formatProblem } from '../src/lib/content/types';

const root = process.cwd();
const dir = process.argv[2] ? resolve(process.argv[2]) : undefined;
const content = await compileContent(root, dir);
for (const p of content.problems) console.error(formatProblem(p));
const diagrams = [...content.bodies.values()].reduce((n, b) => n + b.diagramCount, 0);
console.log(`${content.lessons.length} lessons, ${content.bodies.size} bodies, ${diagrams} diagrams, ${content.glossary.length} glossary terms, ${content.quiz.length} quiz questions, ${content.problems.length} problems`);
process.exit(content.problems.length > 0 ? 1 : 0);
