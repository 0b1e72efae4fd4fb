// Browser side of the web layer: fetch wrapper for the JSON API (docs/api.md). Sends the CSRF
// token on every state-changing request. Must not touch the DOM.

export interface ApiErrorBody {
  code: string;
  message: string;
  key?: string;
  retryAfterSeconds?: number;
}

export class ApiError extends Error {
  constructor(readonly status: number, readonly body: ApiErrorBody) {
    super(body.message);
    this.name = 'ApiError';
  }
}

let csrfToken: string | null = null;
let onUnauthorized: () => void = () => undefined;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when any request answers 401 (session expired): the page shows the login form. */
export function setUnauthorizedHandler(fn: () => void): void {
  onUnauthorized = fn;
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const res = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
  });
  const data = (await res.json().catch(() => ({}))) as { error?: ApiErrorBody };
  if (!res.ok) {
    const err = new ApiError(res.status, data.error ?? { code: `HTTP_${res.status}`, message: res.statusText });
    if (res.status === 401 && err.body.code === 'GW_HTTP_LOGIN_REQUIRED') onUnauthorized();
    throw err;
  }
  return data as T;
}
