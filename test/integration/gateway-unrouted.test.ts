// CONTRACT.md: with no destination, instances are kept in the spool until a destination exists —
// then they are queued to it (here: added live, as the web page does) and delivered.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createReadStream, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { Gateway } from '../../src/gateway.js';
import { loadConfig } from '../../src/config/load.js';
import { openAssociation } from '../../src/net/scu.js';
import { readPart10Info } from '../../src/dicom/part10.js';
import { startStorescp } from '../peers/dcmtk.js';
import { TESTDATA } from '../helpers/testdata.js';

const log = pino({ level: 'silent' });
const spoolDir = mkdtempSync(path.join(tmpdir(), 'pg-unrouted-'));
after(() => rmSync(spoolDir, { recursive: true, force: true }));

test('an instance received with no destination is kept, then delivered once a destination is added', async () => {
  const cfg = loadConfig({ env: { PACSGATE_SPOOL_DIR: spoolDir, PACSGATE_DICOM_PORT: '0', PACSGATE_DICOM_HOST: '127.0.0.1' } });
  const gw = await Gateway.start(cfg, log);
  const pacs = await startStorescp({ aeTitle: 'CENTRAL', args: ['+B'] });
  try {
    const file = path.join(TESTDATA, 'pydicom/CT_small.dcm');
    const info = await readPart10Info(file);
    const a = await openAssociation({ host: '127.0.0.1', port: gw.dicomPort, callingAe: 'CT1', calledAe: 'PACSGATE', contexts: [{ abstractSyntax: info.sopClassUid, transferSyntaxes: [info.transferSyntax] }], log });
    const res = await a.store({ abstractSyntax: info.sopClassUid, transferSyntax: info.transferSyntax, sopClassUid: info.sopClassUid, sopInstanceUid: info.sopInstanceUid, dataset: createReadStream(file, { start: info.datasetOffset }) });
    await a.release();
    assert.equal(res.status, 0);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(gw.status().spool.instances, 1, 'kept while no destination exists');
    assert.deepEqual(gw.status().destinations, []);
    await gw.applyConfig({ ...gw.cfg, destinations: [{ name: 'central', aeTitle: 'CENTRAL', host: '127.0.0.1', port: pacs.port, callingAeTitle: 'PACSGATE', maxPduLength: 65536, transferSyntaxes: [], concurrency: 1 }] });
    for (let i = 0; i < 100 && gw.status().spool.instances > 0; i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(gw.status().destinations[0].forwarded, 1);
    assert.equal(gw.status().spool.instances, 0, 'delivered, so it left the spool');
    assert.equal(readdirSync(pacs.dir).length, 1);
  } finally {
    await gw.stop();
    await pacs.stop();
    rmSync(pacs.dir, { recursive: true, force: true });
  }
});
