// Web layer: serves the page shell, its CSS and the page's ES modules. The modules are this
// project's own compiled JS (dist/src/web/page/*.js plus the config schema they import, so the
// browser validates with exactly the server's rules). Must not serve anything outside that list.
import { readdirSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { HttpError, sendText } from './http-util.js';
import { PAGE_CSS, PAGE_HTML } from './page-html.js';
import type { Route, Ctx } from './router.js';

/** dist/src, the root the /js/ URLs mirror (so relative imports between modules resolve). */
const SRC_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Modules the page imports besides its own directory: the shared schema and what it imports. */
const SHARED_MODULES = ['errors.js', 'config/schema.js', 'config/types.js'];

interface Asset {
  body: string;
  etag: string;
}

function asset(body: string): Asset {
  return { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` };
}

/** Reads the module whitelist once at start-up; source maps are left out. */
function loadModules(): Map<string, Asset> {
  const out = new Map<string, Asset>();
  const pageDir = path.join(SRC_ROOT, 'web', 'page');
  const names = [...SHARED_MODULES, ...readdirSync(pageDir).filter((f) => f.endsWith('.js')).map((f) => `web/page/${f}`)];
  for (const rel of names) out.set(`/js/${rel}`, asset(readFileSync(path.join(SRC_ROOT, rel), 'utf8')));
  return out;
}

function serve(ctx: Ctx, a: Asset, type: string): void {
  ctx.res.setHeader('ETag', a.etag);
  if (ctx.req.headers['if-none-match'] === a.etag) {
    ctx.res.statusCode = 304;
    ctx.res.end();
    return;
  }
  // Revalidate each time: the files are tiny and change with every build.
  sendText(ctx.res, 200, type, a.body, 'no-cache');
}

export function assetRoutes(): Route[] {
  const modules = loadModules();
  const html = asset(PAGE_HTML), css = asset(PAGE_CSS);
  const js = (ctx: Ctx): void => {
    const a = modules.get(ctx.url.pathname);
    if (!a) throw new HttpError('GW_HTTP_NOT_FOUND', 'no such file');
    serve(ctx, a, 'text/javascript; charset=utf-8');
  };
  return [
    { method: 'GET', path: '/', access: 'public', handler: (ctx) => serve(ctx, html, 'text/html; charset=utf-8') },
    { method: 'GET', path: '/app.css', access: 'public', handler: (ctx) => serve(ctx, css, 'text/css; charset=utf-8') },
    { method: 'GET', path: '/js/:file', access: 'public', handler: js },
    { method: 'GET', path: '/js/config/:file', access: 'public', handler: js },
    { method: 'GET', path: '/js/web/page/:file', access: 'public', handler: js },
  ];
}
