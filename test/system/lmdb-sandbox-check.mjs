// Runs inside the nspawn machine as a oneshot copy of pacsgate.service (same sandbox, same user):
// proves the bundled lmdb prebuilt can create, sync-write and read an environment under the unit's
// hardening (ProtectSystem=strict, SystemCallFilter, MemoryMax …) in the StateDirectory.
import { createRequire } from 'node:module';
import { rmSync } from 'node:fs';

const require = createRequire('/usr/lib/pacsgate/package.json');
const { open } = require('lmdb');
const dir = '/var/lib/pacsgate/lmdb-sandbox-check';
const db = open({ path: dir, encoding: 'binary', compression: false });
const value = Buffer.alloc(64 * 1024, 0xa5);
for (let i = 0; i < 200; i++) await db.put(`k${i}`, value);
await db.flushed;
let ok = 0;
for (let i = 0; i < 200; i++) if (Buffer.compare(db.get(`k${i}`), value) === 0) ok++;
await db.close();
rmSync(dir, { recursive: true, force: true });
if (ok !== 200) throw new Error(`lmdb read back ${ok} of 200 values`);
console.log(`lmdb ok: 200 x 64 KiB written, synced and read back in ${dir}`);
