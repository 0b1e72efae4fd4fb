// Web layer: request/response helpers for node:http (JSON bodies, bounded reads, headers).
// Must not know about routes, auth or the gateway; pure plumbing.
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Largest request body we read; a full config with many destinations is a few kB. */
export const MAX_BODY_BYTES = 256 * 1024;

/** The API's error codes and their HTTP status (docs/api.md "Errors"); codes are stable. */
export const HTTP_ERRORS = {
  GW_ERR_CONFIG: 400,
  GW_HTTP_BAD_JSON: 400,
  GW_HTTP_BAD_REQUEST: 400,
  GW_HTTP_WEAK_PASSWORD: 400,
  GW_HTTP_LOGIN_REQUIRED: 401,
  GW_HTTP_LOGIN_FAILED: 401,
  GW_HTTP_METRICS_TOKEN: 401,
  GW_HTTP_CSRF: 403,
  GW_HTTP_SETUP_TOKEN: 403,
  GW_HTTP_NOT_FOUND: 404,
  GW_HTTP_METHOD: 405,
  GW_HTTP_SETUP_DONE: 409,
  GW_HTTP_NO_LOGIN: 409,
  GW_HTTP_BODY_TOO_LARGE: 413,
  GW_HTTP_CONTENT_TYPE: 415,
  GW_HTTP_RATE_LIMITED: 429,
  GW_HTTP_INTERNAL: 500,
} as const;
export type HttpErrorCode = keyof typeof HTTP_ERRORS;

/** An answer other than 2xx; `key` (in `extra`) names the config or request field at fault. */
export class HttpError extends Error {
  readonly status: number;
  constructor(
    readonly code: HttpErrorCode,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'HttpError';
    this.status = HTTP_ERRORS[code];
  }
}

/** Headers every answer carries: no framing, no sniffing, no referrers, no caching of API data. */
export function baseHeaders(res: ServerResponse): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader(
    'Content-Security-Policy',
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
      "frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  );
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

export function sendText(res: ServerResponse, status: number, contentType: string, text: string, cache = 'no-store'): void {
  res.statusCode = status;
  res.setHeader('Content-Type', contentType);
  res.setHeader('Cache-Control', cache);
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

export function sendError(res: ServerResponse, err: HttpError): void {
  sendJson(res, err.status, { error: { code: err.code, message: err.message, ...err.extra } });
}

/**
 * Reads a JSON request body. Requires `Content-Type: application/json` (a cross-site HTML form
 * cannot send that without a CORS preflight we never grant) and caps the size.
 */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const ct = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (ct !== 'application/json') throw new HttpError('GW_HTTP_CONTENT_TYPE', 'expected Content-Type: application/json');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError('GW_HTTP_BODY_TOO_LARGE', `body larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  try {
    // '__proto__' keys are dropped so a merged body can never swap an object's prototype.
    return JSON.parse(Buffer.concat(chunks).toString('utf8'), (k, v: unknown) => (k === '__proto__' ? undefined : v));
  } catch {
    throw new HttpError('GW_HTTP_BAD_JSON', 'body is not valid JSON');
  }
}

/** Parses the Cookie header into name → value (first occurrence wins). */
export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    if (!out.has(name)) out.set(name, part.slice(eq + 1).trim());
  }
  return out;
}

/** True for addresses that only this machine can reach (127.0.0.0/8, ::1, localhost). */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h) || /^::ffff:127\.\d+\.\d+\.\d+$/.test(h);
}
