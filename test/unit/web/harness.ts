// Test harness for the web layer: starts startHttpServer on 127.0.0.1:0 with a fake backend and a
// captured pino log; a small client keeps the session cookie and CSRF token like a browser would.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { startHttpServer } from '../../../src/web/server.js';
import type { HttpServerHandle, HttpServerOptions } from '../../../src/web/types.js';
import { FakeBackend } from './fake-backend.js';

export interface LogLine { level: number; msg: string; [k: string]: unknown }

export function captureLogger(): { log: pino.Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString().split('\n')) if (l) lines.push(JSON.parse(l) as LogLine);
      cb();
    },
  });
  return { log: pino({ level: 'debug' }, stream), lines };
}

export interface Harness {
  base: string;
  handle: HttpServerHandle;
  backend: FakeBackend;
  lines: LogLine[];
  stateDir: string;
  configFile: string;
}

export async function startHarness(extra: Partial<HttpServerOptions> = {}, backend = new FakeBackend()): Promise<Harness> {
  const stateDir = extra.stateDir ?? mkdtempSync(path.join(tmpdir(), 'pg-web-'));
  const configFile = extra.configFile ?? path.join(stateDir, 'config.json');
  const { log, lines } = captureLogger();
  const handle = await startHttpServer({ host: '127.0.0.1', port: 0, log, backend, stateDir, configFile, ...extra });
  return { base: `http://127.0.0.1:${handle.port}`, handle, backend, lines, stateDir, configFile };
}

export interface Reply { status: number; headers: Headers; body: any } // eslint-disable-line @typescript-eslint/no-explicit-any

export class Client {
  cookie: string | null = null;
  csrf: string | null = null;

  constructor(readonly base: string) {}

  async req(method: string, p: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
    const h: Record<string, string> = { ...headers };
    if (this.cookie) h.cookie = this.cookie;
    if (body !== undefined && !h['content-type']) h['content-type'] = 'application/json';
    if (this.csrf && method !== 'GET' && h['x-csrf-token'] === undefined) h['x-csrf-token'] = this.csrf;
    const res = await fetch(this.base + p, { method, headers: h, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
    const set = res.headers.get('set-cookie');
    if (set) this.cookie = /Max-Age=0/.test(set) ? null : set.split(';')[0];
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Not JSON (metrics, page): keep the text.
    }
    return { status: res.status, headers: res.headers, body: parsed };
  }

  /** GET /api/session and keep its CSRF token. */
  async session(): Promise<Reply> {
    const r = await this.req('GET', '/api/session');
    this.csrf = r.body.csrfToken;
    return r;
  }
}
