// npm run bench:render [bench/results/<date>-<sha>.json]: the report again from kept measurements, with the
// explanations bench/why.json holds now (the most recently written data file when none is named).
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { renderReportFile } from './lib/render-file.js';

const results = join(import.meta.dirname, 'results');
const named = process.argv[2];
const newest = async (): Promise<string> => {
  const files = (await readdir(results)).filter((f) => f.endsWith('.json'));
  const times = await Promise.all(files.map(async (f) => (await stat(join(results, f))).mtimeMs));
  const i = times.indexOf(Math.max(...times));
  if (i < 0) throw new Error('no measurements in bench/results (run npm run bench first)');
  return join(results, files[i]!);
};
const file = named ? resolve(named) : await newest();
await renderReportFile(file);
console.error(`bench: rendered ${file.replace(/\.json$/, '.md')}`);
