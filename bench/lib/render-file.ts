// A report rendered from the measurements `npm run bench` keeps beside it (<date>-<sha>.json) and today's
// bench/why.json, written to <date>-<sha>.md, and to latest.md when it is the latest run (a new run, or the
// report latest.md already shows: same first line).
import { readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { renderReport, type ReportData, type Why } from './report.js';

export async function renderReportFile(dataFile: string, options: { latest?: boolean } = {}): Promise<string> {
  const data = JSON.parse(await readFile(dataFile, 'utf8')) as ReportData;
  const whyFile = join(dirname(dataFile), '..', 'why.json');
  const why = existsSync(whyFile) ? (JSON.parse(await readFile(whyFile, 'utf8')) as Record<string, Why>) : {};
  const report = renderReport({ ...data, date: new Date(data.date), why });
  const results = dirname(dataFile);
  const name = basename(dataFile, '.json');
  await writeFile(join(results, `${name}.md`), report);
  const latestFile = join(results, 'latest.md');
  const firstLine = (text: string): string => text.slice(0, text.indexOf('\n'));
  const shownAsLatest = firstLine(await readFile(latestFile, 'utf8').catch(() => '')) === firstLine(report);
  if (options.latest || shownAsLatest) await writeFile(latestFile, report);
  return report;
}
