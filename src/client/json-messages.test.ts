import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { jsonMessages, messageText, StreamError } from './json-messages.js';

const collect = async (chunks: string[]): Promise<string> => {
  let out = '';
  for await (const msg of jsonMessages(Readable.from(chunks))) out += messageText(msg);
  return out;
};

test('messages split across chunks are joined; stream text printed as is', async () => {
  assert.equal(
    await collect(['{"stream":"Loaded im', 'age: busybox:latest\\n"}\n{"status":"Done","id":"ab"}\n']),
    'Loaded image: busybox:latest\nab: Done\n',
  );
});

test('an error message ends the stream with its text', async () => {
  await assert.rejects(
    collect(['{"stream":"x"}\n{"errorDetail":{"message":"bad tar"},"error":"bad tar"}\n']),
    (err: unknown) => err instanceof StreamError && err.message === 'bad tar',
  );
});
