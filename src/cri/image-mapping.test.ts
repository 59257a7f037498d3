import { test } from 'node:test';
import assert from 'node:assert/strict';
import { credentialsOf, imageUser } from './image-mapping.js';
import type { AuthConfig } from './proto.js';

test("an image's user: a number is a uid, anything else a name; the group is not the user", () => {
  assert.deepEqual(imageUser(undefined), { username: '' });
  assert.deepEqual(imageUser(''), { username: '' });
  assert.deepEqual(imageUser('1002'), { uid: 1002n, username: '' });
  assert.deepEqual(imageUser('1003:50000'), { uid: 1003n, username: '' });
  assert.deepEqual(imageUser('www-data'), { username: 'www-data' });
  assert.deepEqual(imageUser('www-data:group'), { username: 'www-data' });
});

const auth = (fields: Partial<AuthConfig>): AuthConfig =>
  ({
    username: '',
    password: '',
    auth: '',
    serverAddress: '',
    identityToken: '',
    registryToken: '',
    ...fields,
  }) as AuthConfig;

test('AuthConfig: user and password, base64 auth (which wins), tokens; nothing given is no credentials', () => {
  assert.equal(credentialsOf(undefined), undefined);
  assert.equal(credentialsOf(auth({})), undefined);
  assert.deepEqual(credentialsOf(auth({ username: 'u', password: 'p' })), { username: 'u', password: 'p' });
  assert.deepEqual(credentialsOf(auth({ username: 'x', auth: Buffer.from('user:pa:ss').toString('base64') })), {
    username: 'user',
    password: 'pa:ss',
  });
  assert.deepEqual(credentialsOf(auth({ identityToken: 'id' })), { identityToken: 'id' });
  assert.deepEqual(credentialsOf(auth({ registryToken: 'rt' })), { registryToken: 'rt' });
  assert.throws(() => credentialsOf(auth({ auth: Buffer.from('nocolon').toString('base64') })), /invalid auth/);
});
