import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TAG } from '../../../src/dicom/tags.js';
import { lookupKeyword, lookupTag, tagString } from '../../../src/dicom/dictionary.js';

test('every TAG constant agrees with the dictionary (keyword → tag and tag → keyword)', () => {
  const entries = Object.entries(TAG);
  assert.ok(entries.length >= 60);
  for (const [keyword, tag] of entries) {
    const e = lookupKeyword(keyword);
    assert.ok(e, `${keyword} is not a dictionary keyword`);
    assert.equal(tagString(e.tag), tagString(tag), keyword);
    assert.equal(e.mask, 0xffffffff, `${keyword} is a single tag`);
    assert.equal(lookupTag(tag)?.keyword, keyword);
    assert.ok(tag >= 0 && tag <= 0xffffffff && Number.isInteger(tag), `${keyword}: unsigned 32-bit`);
  }
});

test('TAG values are unique', () => {
  const values = Object.values(TAG);
  assert.equal(new Set(values).size, values.length);
});
