// Kill -9 proof for the spool (brief: "commit then kill -9 immediately, many times"): a child process
// commits instances and prints each id + sha256 only after commit() resolved; we SIGKILL it at random
// moments, reopen the spool and require every printed instance to be there, byte-exact, with no
// partial instance left behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Spool } from '../../src/spool/index.js';
import { captureLogger, tempDir } from '../unit/spool/helpers.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const child = path.resolve(here, '..', 'helpers', 'spool-crash-child.js');
const ROUNDS = 10;

interface Round { printed: Array<{ id: number; sha: string; crc: string; uid: string }>; killedAfterLines: number }

/** Runs the child until it printed `killAt` lines (immediate kill) or for `ms` after it is ready. */
function runAndKill(dir: string, round: number, writers: number, killAt: number | null, ms: number): Promise<Round> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [child, dir, `${writers}`, `${round}`], { stdio: ['ignore', 'pipe', 'inherit'] });
    let buf = '';
    const printed: Round['printed'] = [];
    let killed = false;
    const kill = () => {
      if (!killed) p.kill('SIGKILL');
      killed = true;
    };
    p.stdout.setEncoding('utf8');
    p.stdout.on('data', (s: string) => {
      buf += s;
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line === 'ready') {
          if (killAt === null) setTimeout(kill, ms);
          continue;
        }
        const [id, sha, crc, uid] = line.split(' ');
        printed.push({ id: Number(id), sha, crc, uid });
        if (killAt !== null && printed.length >= killAt) kill();
      }
    });
    p.on('error', reject);
    p.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`child exited ${code} ${signal}`));
      else resolve({ printed, killedAfterLines: printed.length });
    });
  });
}

test('kill -9 at random moments: every acknowledged instance survives, no partial remains', async (t) => {
  const tmp = tempDir('pg-spool-crash-');
  const cap = captureLogger();
  const all = new Map<number, { sha: string; crc: string; uid: string }>();
  let partialsRemoved = 0;
  try {
    for (let round = 0; round < ROUNDS; round++) {
      // Even rounds: kill right after the n-th acknowledgement; odd rounds: after a random time.
      const killAt = round % 2 === 0 ? 1 + Math.floor(Math.random() * 25) : null;
      // Rounds 2, 3, 6, 7: one writer, so commits are a lone sender's synchronous ones (spool.ts
      // commitDurably; on a slow disk, group commits again after the first); the other rounds: four
      // concurrent writers (group commit).
      const writers = Math.floor(round / 2) % 2 === 1 ? 1 : 4;
      const r = await runAndKill(tmp.dir, round, writers, killAt, 100 + Math.floor(Math.random() * 900));
      for (const p of r.printed) {
        assert.ok(!all.has(p.id), `id ${p.id} reused`);
        all.set(p.id, { sha: p.sha, crc: p.crc, uid: p.uid });
      }
      const spool = await Spool.open({ dir: tmp.dir, maxBytes: null, log: cap.log });
      try {
        partialsRemoved += Number(cap.lines.filter((l) => l.msg === 'spool open').at(-1)?.partialsRemoved ?? 0);
        assert.equal(spool.dbs.partial.getCount({}), 0, 'no partial marker after open');
        for (const [id, want] of all) {
          const rec = spool.get(id);
          assert.ok(rec, `acknowledged instance ${id} (round ${round}) is missing`);
          assert.equal(rec.digest, want.crc, `instance ${id}: stored digest differs`);
          assert.equal(rec.sopInstanceUid, want.uid);
          const h = createHash('sha256');
          for await (const c of spool.readDataset(id)) h.update(c);
          assert.equal(h.digest('hex'), want.sha, `instance ${id}: stored bytes differ`);
        }
        assert.deepEqual(spool.verify().problems, [], 'verify(): chunks, sizes, digests, counters, no orphans');
      } finally {
        await spool.close();
      }
      t.diagnostic(`round ${round}: ${writers} writer(s), ${r.printed.length} acknowledged before SIGKILL (${killAt === null ? 'timed' : 'immediate'})`);
    }
    t.diagnostic(`${all.size} acknowledged instances checked; ${partialsRemoved} partial instances removed by recovery`);
    assert.ok(all.size >= ROUNDS, 'the child acknowledged instances');
    assert.ok(partialsRemoved > 0, 'some kills landed mid-write (recovery had work to do)');
  } finally {
    tmp.cleanup();
  }
});
