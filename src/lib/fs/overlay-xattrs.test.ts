import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isInitialUidMap, isOverlayXattr, overlayXattrPrefix } from './overlay-xattrs.js';

test('the host maps every id to itself; a rootless namespace maps a few ranges', () => {
  assert.equal(isInitialUidMap('         0          0 4294967295\n'), true);
  assert.equal(isInitialUidMap('         0       1001          1\n         1     165536      65536\n'), false);
  assert.equal(isInitialUidMap('         0          0      65536\n'), false);
});

test('overlay attributes: trusted on the host, user in a user namespace, both reserved', () => {
  assert.equal(overlayXattrPrefix(false), 'trusted.overlay.');
  assert.equal(overlayXattrPrefix(true), 'user.overlay.');
  assert.equal(isOverlayXattr('trusted.overlay.opaque'), true);
  assert.equal(isOverlayXattr('user.overlay.redirect'), true);
  assert.equal(isOverlayXattr('user.note'), false);
});
