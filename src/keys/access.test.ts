import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ruleFor } from './access-rules.ts';
import { refusal, sessionsInUrl, sessionsNamed } from './authorize.ts';
import { DEFAULT_ACTIONS, type Principal } from './model.ts';
import { adminKeyMatcher, derivedKey, sha512Hex } from './secrets.ts';

const alpha: Principal = { kind: 'session', keyId: 'k', session: 'alpha', actions: DEFAULT_ACTIONS };
const media: Principal = { kind: 'media', keyId: 'm', session: 'alpha' };

test('the admin key matches in plaintext and in the sha512: form, and nothing else does', () => {
  for (const configured of ['s3cret', `sha512:${sha512Hex('s3cret')}`, `SHA512:${sha512Hex('s3cret').toUpperCase()}`]) {
    const matches = adminKeyMatcher(configured);
    assert.equal(matches('s3cret'), true, configured);
    assert.equal(matches('s3cret '), false);
    assert.equal(matches(''), false);
    assert.equal(matches(configured), configured === 's3cret');
  }
});

test('derived keys depend on the id and on the admin key', () => {
  assert.equal(derivedKey('admin', 'key_id_1'), derivedKey('admin', 'key_id_1'));
  assert.notEqual(derivedKey('admin', 'key_id_1'), derivedKey('admin', 'key_id_2'));
  assert.notEqual(derivedKey('admin', 'key_id_1'), derivedKey('rotated', 'key_id_1'));
  assert.match(derivedKey('admin', 'x'), /^key_[A-Za-z0-9_-]{32}$/);
});

test('scopes follow the route, and the body only where the deprecated forms need it', () => {
  const scope = (method: string, pattern: string, body?: unknown) => {
    const rule = ruleFor({ method, pattern, body });
    return rule?.access === 'session' ? rule.scope : rule?.access;
  };
  assert.equal(scope('GET', '/api/:session/chats'), 'read');
  assert.equal(scope('HEAD', '/api/:session/chats'), 'read');
  assert.equal(scope('GET', '/api/sendText'), 'send');
  assert.equal(scope('POST', '/api/:session/chats/:chatId/messages/read'), 'send');
  assert.equal(scope('POST', '/api/:session/chats/overview'), 'read');
  assert.equal(scope('DELETE', '/api/:session/chats/:chatId/messages/:messageId'), 'delete');
  assert.equal(scope('DELETE', '/api/:session/labels/:labelId'), 'send');
  assert.equal(scope('PUT', '/api/:session/profile/status'), 'setting');
  assert.equal(scope('POST', '/api/sessions/stop', { name: 'a' }), 'control');
  assert.equal(scope('POST', '/api/sessions/stop', { name: 'a', logout: true }), 'delete');
  assert.equal(scope('POST', '/api/sessions/start', { name: 'a', config: {} }), 'setting');
  assert.equal(scope('POST', '/api/server/stop'), 'server');
  assert.equal(scope('PATCH', '/api/:session/anything'), undefined, 'an unknown method is not guessed');
  assert.equal(scope('POST', '/api/new-thing'), undefined, 'a route outside the table is not guessed');
});

test('every named session counts; none means default; * only where the handler narrows it', () => {
  const send = ruleFor({ method: 'POST', pattern: '/api/sendText', body: {} });
  const ws = ruleFor({ method: 'GET', pattern: '/ws', body: undefined });
  assert.ok(send && ws);
  assert.deepEqual(sessionsNamed({ params: {}, query: { session: 'b' }, body: { session: 'a' } }, send), ['b', 'a']);
  assert.deepEqual(sessionsNamed({ params: {}, query: {}, body: {} }, send), ['default']);
  assert.deepEqual(sessionsNamed({ params: {}, query: { session: ['a', 'b'] }, body: null }, send), ['a', 'b']);
  assert.deepEqual(sessionsNamed({ params: {}, query: { session: '*' }, body: undefined }, ws), []);
  assert.deepEqual(sessionsNamed({ params: {}, query: { session: '*' }, body: undefined }, send), ['*']);
  assert.deepEqual(sessionsInUrl({ params: { session: 'a' }, query: { sessionId: 'b' } }, send), ['a', 'b']);
});

test('refusals say why; admin keys pass everything', () => {
  const files = ruleFor({ method: 'GET', pattern: '/api/files/:session/:filename', body: undefined });
  const chats = ruleFor({ method: 'GET', pattern: '/api/:session/chats', body: undefined });
  const wipe = ruleFor({ method: 'DELETE', pattern: '/api/sessions/:session', body: undefined });
  assert.equal(refusal({ kind: 'admin', keyId: null }, undefined, () => ['x']), undefined);
  assert.match(refusal(alpha, undefined, () => []) ?? '', /server-wide/);
  assert.equal(refusal(alpha, chats, () => ['alpha']), undefined);
  assert.match(refusal(alpha, chats, () => ['alpha', 'beta']) ?? '', /cannot act on 'beta'/);
  assert.match(refusal(alpha, wipe, () => ['alpha']) ?? '', /lacks the 'delete' scope/);
  assert.equal(refusal(media, files, () => ['alpha']), undefined);
  assert.match(refusal(media, files, () => ['beta']) ?? '', /bound to session 'alpha'/);
  assert.match(refusal(media, chats, () => ['alpha']) ?? '', /media key/);
});
