// Expected outputs were taken from Go's text/template (through docker's --format) on the same data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GoTemplate, indentJson, goJson } from './index.js';

const data = {
  Os: 'linux',
  RepoTags: ['busybox:1', 'busybox:latest'],
  Config: { Env: null, Labels: { a: 'b' }, Cmd: ['/bin/sh'] },
  Size: 1982263,
};
const run = (text: string, value: unknown = data): string => new GoTemplate(text).execute(value);

test('fields, slices, maps and index print as Go does', () => {
  assert.equal(
    run('{{.Os}} {{.RepoTags}} {{index .RepoTags 0}} {{len .RepoTags}} {{.Size}}'),
    'linux [busybox:1 busybox:latest] busybox:1 2 1982263',
  );
  assert.equal(run('{{with .Config}}{{.Labels}} {{.Labels.a}} {{.Labels.zz}}{{end}}'), 'map[a:b] b <no value>');
  assert.equal(run('{{.Nope}}'), '<no value>');
});

test('range, if/else if, variables, break/continue, trim markers', () => {
  assert.equal(run('{{range $i, $t := .RepoTags}}{{$i}}={{$t}};{{end}}'), '0=busybox:1;1=busybox:latest;');
  assert.equal(run('{{- if eq .Os "linux" -}} yes {{- else -}} no {{- end }}!'), 'yes!');
  assert.equal(run('{{$x := 5}}{{if gt $x 7}}big{{else if gt $x 1}}mid{{else}}small{{end}}'), 'mid');
  assert.equal(run('{{range .RepoTags}}{{if eq . "busybox:1"}}{{continue}}{{end}}{{.}}{{end}}'), 'busybox:latest');
  assert.equal(run('{{range .Config.Env}}x{{else}}empty{{end}}'), 'empty');
});

test('printf, print, println, and/or/not as Go', () => {
  assert.equal(
    run('{{printf "%q %5.1f %x %-6s| %05d %v %s" .Os 3.14159 255 "ab" 42 1.5 .RepoTags}}'),
    '"linux"   3.1 ff ab    | 00042 1.5 [busybox:1 busybox:latest]',
  );
  assert.equal(run('{{ print 1 2 "a" 3 }}|{{ println 1 "x" }}'), '1 2a3|1 x\n');
  assert.equal(
    run('{{ (index .RepoTags 1) }} {{ not true }} {{ and 1 0 }} {{or 0 "" "z"}}'),
    'busybox:latest false 0 z',
  );
  assert.equal(run('{{.Os | printf "%s!"}}'), 'linux!');
});

test('syntax errors are reported as Go reports them', () => {
  assert.throws(() => new GoTemplate('{{.Os'), /template: :1: unclosed action/);
  assert.throws(() => new GoTemplate('{{foo .Os}}'), /template: :1: function "foo" not defined/);
  assert.throws(() => new GoTemplate('{{if .Os}}x'), /template: :1: unexpected EOF/);
  assert.throws(() => new GoTemplate('{{.ID}'), /template: :1: bad character U\+007D '}'/);
});

test('missing top-level fields can be made an error', () => {
  const t = new GoTemplate('{{.Nope}}', {
    missingRootField: (n) => `can't evaluate field ${n} in type *formatter.imageContext`,
  });
  assert.throws(() => t.execute({}), /template: :1:2: executing "" at <.Nope>: can't evaluate field Nope in type/);
});

test('Go JSON: HTML escaping and re-indenting raw text', () => {
  assert.equal(goJson({ a: '<none>', b: [1, null] }), '{"a":"\\u003cnone\\u003e","b":[1,null]}');
  assert.equal(goJson({ a: '<none>' }, false), '{"a":"<none>"}');
  assert.equal(
    indentJson('[{"a":[],"b":{"c":"x, y"}}]'),
    '[\n    {\n        "a": [],\n        "b": {\n            "c": "x, y"\n        }\n    }\n]',
  );
});

test('identifiers are letters, digits and _ in any script, as in Go', () => {
  assert.equal(run('{{.Gr\u00f6\u00dfe_2}} {{$\u0445 := 1}}{{$\u0445}}', { 'Gr\u00f6\u00dfe_2': 'ok' }), 'ok 1');
  assert.equal(run('{{.A_b9}}', { A_b9: 'x' }), 'x');
});
