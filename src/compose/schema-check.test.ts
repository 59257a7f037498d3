// The checked-in validator (src/gen/compose-spec-validate.ts) is what the schema compiles to today.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { VALIDATOR_PATH, validatorSource } from '../../scripts/compose-spec-validator.js';

test('src/gen/compose-spec-validate.ts is current (else: npm run gen:compose-spec)', () => {
  assert.ok(readFileSync(VALIDATOR_PATH, 'utf8') === validatorSource(), 'stale: run npm run gen:compose-spec');
});
