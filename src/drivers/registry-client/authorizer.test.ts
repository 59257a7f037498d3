import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Authorizer, TokenCache, type Fetcher } from './authorizer.js';
import { parseWwwAuthenticate } from '../../core/remotes/www-authenticate.js';

const challenge = parseWwwAuthenticate(
  'Bearer realm="http://127.0.0.1:5000/token",service="reg",scope="repository:team/app:pull"',
);

/** A token server that hands out a new token per request and counts them. */
function tokenServer(): { fetcher: Fetcher; issued: () => number } {
  let n = 0;
  return {
    fetcher: () => Promise.resolve(Response.json({ token: `token-${++n}`, expires_in: 300 })),
    issued: () => n,
  };
}

const authorizer = (fetcher: Fetcher): Authorizer =>
  new Authorizer(
    '127.0.0.1:5000',
    { username: 'bob', password: 'pw' },
    () => ['repository:team/app:pull,push'],
    new TokenCache(),
    fetcher,
  );

test('a request sent without credentials retries with the token another request has set meanwhile', async () => {
  const server = tokenServer();
  const auth = authorizer(server.fetcher);
  // Two requests go out at once without credentials; the first 401 to arrive sets a token.
  assert.equal(await auth.respond(challenge, [], undefined), true);
  const header = auth.authorization();
  assert.equal(header, 'Bearer token-1');
  // The second 401 arrives after: it was sent without credentials, so it retries (with the cached token).
  assert.equal(await auth.respond(challenge, [], undefined), true);
  assert.equal(auth.authorization(), header);
  assert.equal(server.issued(), 1);
});

test('a request refused with the current token gives up rather than sending it again', async () => {
  const auth = authorizer(tokenServer().fetcher);
  assert.equal(await auth.respond(challenge, [], undefined), true);
  assert.equal(await auth.respond(challenge, [], auth.authorization()), false);
});
