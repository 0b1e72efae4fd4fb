// The root logger's safety net (src/log.ts; STYLE.md "Patient attributes never at info"): patient
// attributes passed by mistake, at the top level, one object down or in child bindings, come out as
// "[redacted]"; everything else is logged as given and the caller's objects are left untouched.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from '../../src/log.js';

function capture(): { lines: string[]; log: ReturnType<typeof createLogger>['logger'] } {
  const lines: string[] = [];
  const { logger } = createLogger('info', { write: (s: string) => void lines.push(s) });
  return { lines, log: logger };
}

const NAME = 'DOE^JOHN';

test('patient attributes are redacted at the top level, one object down and in child bindings', () => {
  const { lines, log } = capture();
  const flat = { id: 7, sopInstanceUid: '1.2.3', patientName: NAME, PatientID: 'P-123', patientBirthDate: '19700101' };
  const nested = { id: 8, dataset: { PatientName: NAME, patientId: 'P-456', PatientBirthDate: '19700102', Modality: 'CT' } };
  log.info(flat, 'flat');
  log.info(nested, 'nested');
  log.child({ PatientID: 'P-789', assoc: 3 }).info({ bytes: 10 }, 'child');

  assert.equal(lines.length, 3);
  for (const raw of lines) {
    for (const secret of [NAME, 'P-123', 'P-456', 'P-789', '19700101', '19700102']) {
      assert.ok(!raw.includes(secret), `"${secret}" reached the log: ${raw}`);
    }
  }
  const [a, b, c] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual([a.patientName, a.PatientID, a.patientBirthDate], ['[redacted]', '[redacted]', '[redacted]']);
  assert.equal(a.id, 7);
  assert.equal(a.sopInstanceUid, '1.2.3');
  assert.deepEqual(b.dataset, { PatientName: '[redacted]', patientId: '[redacted]', PatientBirthDate: '[redacted]', Modality: 'CT' });
  assert.equal(c.PatientID, '[redacted]');
  assert.equal(c.assoc, 3);
  assert.equal(c.bytes, 10);
  // The caller's objects are not changed by logging them.
  assert.equal(flat.patientName, NAME);
  assert.equal(nested.dataset.PatientName, NAME);
});

test('lines without patient attributes are logged as given', () => {
  const { lines, log } = capture();
  const fields = { id: 1, sopInstanceUid: '1.2.840.1', status: '0x0000', destinations: ['PACS'], nested: { bytes: 5 } };
  log.info(fields, 'instance stored');
  const line = JSON.parse(lines[0]) as Record<string, unknown>;
  assert.equal(line.msg, 'instance stored');
  assert.equal(line.level, 'info');
  for (const [k, v] of Object.entries(fields)) assert.deepEqual(line[k], v);
});
