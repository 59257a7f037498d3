import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { crossSiteReason, loginCookie, readCookie, requestToken, tokenMatches } from './auth.js';

const req = (headers: Record<string, string>): IncomingMessage => ({ headers }) as unknown as IncomingMessage;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

test('the token comes from a Bearer header or the per-port cookie', () => {
  assert.equal(requestToken(req({ authorization: 'Bearer abc' }), 9900), 'abc');
  assert.equal(
    requestToken(req({ cookie: 'x=1; berth_dashboard_9900=t%2Bk; berth_dashboard_9901=other' }), 9900),
    't+k',
  );
  assert.equal(requestToken(req({ cookie: 'berth_dashboard_9901=other' }), 9900), undefined);
  assert.equal(readCookie(req({}), 'a'), undefined);
  assert.match(loginCookie(9900, 'tok'), /^berth_dashboard_9900=tok; Path=\/; HttpOnly; SameSite=Strict$/);
});

test('tokens compare whole', () => {
  assert.equal(tokenMatches('secret-token', 'secret-token'), true);
  assert.equal(tokenMatches('secret-toke', 'secret-token'), false);
  assert.equal(tokenMatches(undefined, 'secret-token'), false);
  assert.equal(tokenMatches('', 'secret-token'), false);
});

test('same-origin requests pass; other origins, sites and hosts do not', () => {
  assert.equal(crossSiteReason(req({ host: '127.0.0.1:9900' }), LOOPBACK), undefined);
  assert.equal(
    crossSiteReason(
      req({ host: '127.0.0.1:9900', origin: 'http://127.0.0.1:9900', 'sec-fetch-site': 'same-origin' }),
      LOOPBACK,
    ),
    undefined,
  );
  assert.equal(crossSiteReason(req({ host: '[::1]:9900', origin: 'http://[::1]:9900' }), LOOPBACK), undefined);
  assert.match(
    crossSiteReason(req({ host: '127.0.0.1:9900', origin: 'http://evil.example' }), LOOPBACK) ?? '',
    /Origin/,
  );
  assert.match(
    crossSiteReason(req({ host: '127.0.0.1:9900', origin: 'http://localhost:9900' }), LOOPBACK) ?? '',
    /Origin/,
  );
  assert.match(
    crossSiteReason(req({ host: '127.0.0.1:9900', 'sec-fetch-site': 'cross-site' }), LOOPBACK) ?? '',
    /Sec-Fetch-Site/,
  );
  assert.match(
    crossSiteReason(req({ host: '127.0.0.1:9900', 'sec-fetch-site': 'same-site' }), LOOPBACK) ?? '',
    /Sec-Fetch-Site/,
  );
  // DNS rebinding: a name that resolves to us but is not ours.
  assert.match(crossSiteReason(req({ host: 'rebind.evil.example:9900' }), LOOPBACK) ?? '', /unexpected Host/);
  assert.match(crossSiteReason(req({}), LOOPBACK) ?? '', /missing Host/);
  // Bound to all addresses (with a token): any Host, still same-origin only.
  assert.equal(crossSiteReason(req({ host: 'box.lan:9900', origin: 'http://box.lan:9900' }), undefined), undefined);
});
