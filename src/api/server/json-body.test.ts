// JSON bodies read as Go's decoder reads them: field names matched whatever their case, map keys kept as sent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { decodeBody, goBool, goString, goStringMap, goStrings, goStruct } from './json-body.js';

const endpoint = goStruct({ Aliases: goStrings });
const schema = goStruct({
  DetachKeys: goString,
  Tty: goBool,
  Labels: goStringMap,
  Endpoints: z.record(z.string(), endpoint).nullish(),
  Mounts: z.array(goStruct({ Target: goString })).nullish(),
});

test("a key names its field whatever its case (docker-py's exec `detachKeys`), in nested structs and lists too", () => {
  const body = decodeBody(
    schema,
    { detachKeys: 'ctrl-p', TTY: true, endpoints: { MyNet: { aliases: ['a'] } }, mounts: [{ target: '/x' }] },
    'ExecOptions',
  );
  assert.deepEqual(body, {
    DetachKeys: 'ctrl-p',
    Tty: true,
    Endpoints: { MyNet: { Aliases: ['a'] } },
    Mounts: [{ Target: '/x' }],
  });
});

test('map keys are data: kept as sent', () => {
  assert.deepEqual(decodeBody(schema, { labels: { 'Com.Example': 'x', tty: 'y' } }, 'X'), {
    Labels: { 'Com.Example': 'x', tty: 'y' },
  });
});

test('two keys for one field: the later wins unless it is null; unknown keys pass as sent', () => {
  assert.deepEqual(decodeBody(schema, { DetachKeys: 'a', detachkeys: 'b' }, 'X'), { DetachKeys: 'b' });
  assert.deepEqual(decodeBody(schema, { DetachKeys: 'a', detachKeys: null }, 'X'), { DetachKeys: 'a' });
  assert.deepEqual(decodeBody(schema, { Other: 1 }, 'X'), { Other: 1 });
  const proto = decodeBody(schema, JSON.parse('{"__proto__": {"Tty": true}}'), 'X') as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(proto), Object.prototype, 'a "__proto__" key stays data');
});

test("a wrong type under another case is refused naming the struct's field", () => {
  assert.throws(
    () => decodeBody(schema, { tty: 'yes' }, 'ExecOptions'),
    (err: Error) =>
      err.message === 'json: cannot unmarshal string into Go struct field ExecOptions.Tty of type boolean',
  );
});
