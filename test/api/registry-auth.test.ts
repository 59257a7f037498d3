// Registry auth: htpasswd basic auth and the bearer-token flow (challenge, token endpoint, scopes).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import bcrypt from 'bcryptjs';
import { Htpasswd } from '../../src/registry/auth/htpasswd.js';
import {
  errorCode,
  pushImage,
  randomBlob,
  pushBlob,
  startInProcessRegistry,
  type TestRegistry,
} from '../helpers/registry.js';

// As `htpasswd -nbB` writes it ($2y$); cost 4 keeps the test fast.
const htpasswd = () =>
  new Htpasswd(
    `# users\nalice:${bcrypt.hashSync('wonderland', 4).replace(/^\$2[ab]\$/, '$2y$')}\nmd5user:$apr1$abc$def\n`,
  );
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

let basicReg: TestRegistry;
let tokenReg: TestRegistry;
before(async () => {
  basicReg = await startInProcessRegistry({ auth: { htpasswd: htpasswd() } });
  tokenReg = await startInProcessRegistry({
    auth: {
      htpasswd: htpasswd(),
      token: { secret: 'a-test-secret-of-some-length', service: 'test-registry', ttlSeconds: 60 },
    },
  });
});
after(async () => {
  await basicReg.close();
  await tokenReg.close();
});

test('htpasswd: 401 with a Basic challenge without or with wrong credentials; in with the right ones', async () => {
  const url = basicReg.url;
  for (const headers of [
    {} as Record<string, string>,
    { authorization: basic('alice', 'wrong') },
    { authorization: basic('bob', 'wonderland') },
    { authorization: basic('md5user', 'x') },
  ]) {
    const res = await fetch(`${url}/v2/`, { headers });
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('www-authenticate'), 'Basic realm="berth-registry"');
    assert.equal(await errorCode(res), 'UNAUTHORIZED');
  }
  const blob = randomBlob(10);
  const refused = await pushBlob(url, 'sec/x', blob, { authorization: basic('alice', 'nope') });
  assert.equal(refused.status, 401);
  assert.equal(
    (
      await fetch(`${url}/v2/sec/x/blobs/${blob.digest}`, {
        method: 'HEAD',
        headers: { authorization: basic('alice', 'wonderland') },
      })
    ).status,
    404,
    'nothing stored',
  );
  const ok = await fetch(`${url}/v2/`, { headers: { authorization: basic('alice', 'wonderland') } });
  assert.equal(ok.status, 200);
  await pushImage(url, 'sec/x', 'v1', 1, { authorization: basic('alice', 'wonderland') });
});

test('bearer tokens: challenge names realm, service and scope; the token endpoint checks credentials; scopes are enforced', async () => {
  const url = tokenReg.url;
  const res = await fetch(`${url}/v2/sec/app/tags/list`);
  assert.equal(res.status, 401);
  const challenge = res.headers.get('www-authenticate') ?? '';
  assert.equal(challenge, `Bearer realm="${url}/token",service="test-registry",scope="repository:sec/app:pull"`);

  const denied = await fetch(`${url}/token?service=test-registry&scope=repository:sec/app:pull,push`, {
    headers: { authorization: basic('alice', 'bad') },
  });
  assert.equal(denied.status, 401);
  assert.match(denied.headers.get('www-authenticate') ?? '', /^Basic /);
  assert.equal((await fetch(`${url}/token?service=test-registry&scope=repository:sec/app:pull,push`)).status, 401);

  const tokenRes = await fetch(
    `${url}/token?service=test-registry&scope=repository:sec/app:pull,push&scope=repository:sec/other:pull`,
    { headers: { authorization: basic('alice', 'wonderland') } },
  );
  assert.equal(tokenRes.status, 200);
  const body = (await tokenRes.json()) as { token: string; access_token: string; expires_in: number };
  assert.equal(body.token, body.access_token);
  assert.equal(body.expires_in, 60);
  const bearer = { authorization: `Bearer ${body.token}` };
  await pushImage(url, 'sec/app', 'v1', 1, bearer);
  assert.equal((await fetch(`${url}/v2/sec/app/tags/list`, { headers: bearer })).status, 200);
  assert.equal((await fetch(`${url}/v2/`, { headers: bearer })).status, 200);

  // Pull-only on sec/other: no push there, no other repository, no delete.
  const push = await pushBlob(url, 'sec/other', randomBlob(5), bearer);
  assert.equal(push.status, 401);
  assert.match(
    push.headers.get('www-authenticate') ?? '',
    /scope="repository:sec\/other:pull,push",error="insufficient_scope"/,
  );
  assert.equal((await fetch(`${url}/v2/sec/third/tags/list`, { headers: bearer })).status, 401);
  assert.equal((await fetch(`${url}/v2/sec/app/manifests/v1`, { method: 'DELETE', headers: bearer })).status, 401);
  assert.equal((await fetch(`${url}/v2/_catalog`, { headers: bearer })).status, 401);

  // A token whose signature was tampered with is refused.
  const [h, p, s] = body.token.split('.') as [string, string, string];
  const forged = `${h}.${p}.${s.slice(0, -2)}${s.endsWith('AA') ? 'BB' : 'AA'}`;
  const bad = await fetch(`${url}/v2/sec/app/tags/list`, { headers: { authorization: `Bearer ${forged}` } });
  assert.equal(bad.status, 401);
  assert.match(bad.headers.get('www-authenticate') ?? '', /error="invalid_token"/);

  // The password grant of the OAuth2 form (POST) works too.
  const form = await fetch(`${url}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=password&username=alice&password=wonderland&service=test-registry&scope=registry:catalog:*',
  });
  const catToken = ((await form.json()) as { token: string }).token;
  assert.equal((await fetch(`${url}/v2/_catalog`, { headers: { authorization: `Bearer ${catToken}` } })).status, 200);
});
