import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EngineApi, encodeQuery, type ApiRequest, type Transport } from './engine-api.js';

/** Records each request and answers an empty body. */
class Recorder implements Transport<string, string> {
  readonly sent: ApiRequest<string>[] = [];
  request(req: ApiRequest<string>): Promise<string> {
    this.sent.push(req);
    return Promise.resolve('stream');
  }
  json(req: ApiRequest<string>): Promise<unknown> {
    this.sent.push(req);
    return Promise.resolve({});
  }
  text(req: ApiRequest<string>): Promise<string> {
    this.sent.push(req);
    return Promise.resolve('{}');
  }
  discard(req: ApiRequest<string>): Promise<void> {
    this.sent.push(req);
    return Promise.resolve();
  }
}

const api = (): { client: EngineApi<string, string>; sent: ApiRequest<string>[] } => {
  const recorder = new Recorder();
  return { client: new EngineApi(recorder), sent: recorder.sent };
};

test("path parameters are filled in and escaped; the method is the spec's", async () => {
  const { client, sent } = api();
  await client.images.tag('localhost:5000/a b', { repo: 'x', tag: 'y' });
  await client.containers.remove('c1', { force: true });
  assert.deepEqual(
    sent.map((r) => `${r.method} ${r.path}`),
    ['POST /images/localhost%3A5000%2Fa%20b/tag', 'DELETE /containers/c1'],
  );
  assert.deepEqual(sent[1]?.query, { force: true });
});

test("stream operations hand back the transport's response, with the body or upload they carry", async () => {
  const { client, sent } = api();
  assert.equal(await client.images.load('tar', { quiet: true }), 'stream');
  await client.images.create({ fromImage: 'busybox', tag: 'latest' }, { auth: 'e30=' });
  assert.deepEqual(sent[0], {
    method: 'POST',
    path: '/images/load',
    query: { quiet: true },
    upload: 'tar',
    contentType: 'application/x-tar',
  });
  assert.deepEqual(sent[1]?.headers, { 'X-Registry-Auth': 'e30=' });
});

test('stats ask for one sample or a stream; a detached exec start says so', async () => {
  const { client, sent } = api();
  await client.containers.stats('c');
  await client.containers.statsStream('c');
  await client.exec.startDetached('e', { Tty: true });
  assert.deepEqual(
    sent.map((r) => r.query?.stream),
    [false, true, undefined],
  );
  assert.deepEqual(sent[2]?.body, { Tty: true, Detach: true });
});

test('queries as Docker reads them: booleans 1/0, arrays repeated, undefined left out', () => {
  assert.equal(
    encodeQuery({ all: true, size: false, t: ['a:1', 'b'], x: undefined, n: 3 }),
    '?all=1&size=0&t=a%3A1&t=b&n=3',
  );
  assert.equal(encodeQuery({}), '');
});
