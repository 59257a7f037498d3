// Regenerates src/gen/compose-spec-validate.ts from src/compose/schema/compose-spec.json (see
// compose-spec-validator.ts). Run: npm run gen:compose-spec (the output is checked in; never edit it by hand).
import { writeFileSync } from 'node:fs';
import { VALIDATOR_PATH, validatorSource } from './compose-spec-validator.js';

writeFileSync(VALIDATOR_PATH, validatorSource());
