// Test helper: C-ECHO through DCMTK's echoscu, for the fake backend's echo() in the page test.
// A missing echoscu is an error (spawn ENOENT), never a skip.
import { spawn } from 'node:child_process';
import type { EchoPeer, EchoResult } from '../../../src/web/types.js';

export function echoscu(peer: EchoPeer): Promise<EchoResult> {
  const t0 = performance.now();
  const args = ['-aet', peer.callingAeTitle, '-aec', peer.aeTitle, '-to', '5', '-ta', '5', '-td', '5', peer.host, String(peer.port)];
  return new Promise((resolve, reject) => {
    const child = spawn('echoscu', args, { env: { ...process.env, TCP_NODELAY: '1' }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Math.round(performance.now() - t0);
      if (code === 0) resolve({ ok: true, status: 0, ms });
      else resolve({ ok: false, error: stderr.split('\n').map((l) => l.replace(/^[FEW]: /, '').trim()).filter(Boolean).join(' ') || `echoscu exit ${code}`, ms });
    });
  });
}
