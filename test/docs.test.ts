import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { configReference } from '../src/app/config/docs.js';
import { formatReference } from '../src/app/core/format-doc.js';

const readme = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');

it('README starts with the demo and test commands', () => {
  const firstBlock = readme.split('```')[1] ?? '';
  assert.match(firstBlock, /npm install && npx ytwatch demo/);
  assert.match(firstBlock, /npm test/);
});

it("README's configuration reference matches the schemas (run `npm run docs`)", () => {
  const start = readme.indexOf('<!-- config:start');
  const end = readme.indexOf('<!-- config:end -->');
  assert.ok(start >= 0 && end > start, 'config markers present');
  const section = readme.slice(readme.indexOf('\n', start) + 1, end).trim();
  assert.equal(section, configReference().trim());
});

it("README's topic format tables match the record definitions (run `npm run docs`)", () => {
  const start = readme.indexOf('<!-- format:start');
  const end = readme.indexOf('<!-- format:end -->');
  assert.ok(start >= 0 && end > start, 'format markers present');
  assert.equal(readme.slice(readme.indexOf('\n', start) + 1, end).trim(), formatReference().trim());
});
