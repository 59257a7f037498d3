// Golden files: every test/fixtures/dockerfiles/*.Dockerfile parses to its .json (instructions or the error).
// UPDATE_GOLDEN=1 rewrites the .json files (review the diff).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseStages } from './instructions.js';

const dir = join(import.meta.dirname, '../../../test/fixtures/dockerfiles');

for (const file of readdirSync(dir).filter((f) => f.endsWith('.Dockerfile'))) {
  test(`dockerfile golden: ${file}`, () => {
    const text = readFileSync(join(dir, file), 'utf8');
    let actual: unknown;
    try {
      actual = parseStages(text);
    } catch (err) {
      actual = { error: (err as Error).message };
    }
    const goldenPath = join(dir, file.replace(/\.Dockerfile$/, '.json'));
    const json = `${JSON.stringify(actual, null, 2)}\n`;
    if (process.env.UPDATE_GOLDEN === '1' || !existsSync(goldenPath)) writeFileSync(goldenPath, json);
    assert.equal(json, readFileSync(goldenPath, 'utf8'));
  });
}
