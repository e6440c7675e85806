import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig, readLogFormat } from '../config.ts';
import { chooseLogFormat } from './logger.ts';

test('pretty on a terminal, JSON anywhere else, unless a format is configured', () => {
  assert.equal(chooseLogFormat(undefined, true), 'pretty');
  assert.equal(chooseLogFormat(undefined, false), 'json');
  assert.equal(chooseLogFormat('json', true), 'json');
  assert.equal(chooseLogFormat('pretty', false), 'pretty');
});

test('ZAPD_LOG_FORMAT is read case-insensitively, and a wrong value names the variable', () => {
  assert.equal(readLogFormat({}), undefined);
  assert.equal(readLogFormat({ ZAPD_LOG_FORMAT: ' Pretty ' }), 'pretty');
  assert.equal(loadConfig({ ZAPD_LOG_FORMAT: 'json' }).logFormat, 'json');
  assert.equal(loadConfig({}).logFormat, undefined);
  assert.throws(
    () => loadConfig({ ZAPD_LOG_FORMAT: 'yaml' }),
    (error: Error) => error instanceof ConfigError && error.message.includes('ZAPD_LOG_FORMAT') && error.message.includes("'yaml'"),
  );
});
