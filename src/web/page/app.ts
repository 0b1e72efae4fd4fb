// Browser side of the web layer: entry module. Asks /api/session what to show (setup, login or the
// app), wires the auth forms, then starts the status poll and the settings form.
// Must not hold status or settings logic (status.ts, settings.ts).
import { api, ApiError, setCsrfToken, setUnauthorizedHandler } from './api.js';
import { byId, notice } from './dom.js';
import { clearFieldErrors, showFieldError } from './fields.js';
import { initSettings } from './settings.js';
import { startPolling, stopPolling } from './status.js';

interface SessionInfo {
  loginRequired: boolean;
  setupRequired: boolean;
  authenticated: boolean;
  csrfToken: string | null;
}

function show(which: 'setup' | 'login' | 'app'): void {
  byId('setup').hidden = which !== 'setup';
  byId('login').hidden = which !== 'login';
  byId('app').hidden = which !== 'app';
}

async function enterApp(csrf: string | null, loginRequired: boolean): Promise<void> {
  setCsrfToken(csrf);
  byId('logout').hidden = !loginRequired;
  show('app');
  startPolling();
  await initSettings();
}

function authForm(formId: string, path: string, fields: string[], loginRequired: boolean): void {
  const form = byId<HTMLFormElement>(formId);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    clearFieldErrors(form);
    const body: Record<string, string> = {};
    for (const f of fields) body[f] = (form.elements.namedItem(f) as HTMLInputElement).value;
    api<{ csrfToken: string }>('POST', path, body).then(
      (r) => {
        form.reset();
        notice('');
        return enterApp(r.csrfToken, loginRequired);
      },
      (err: unknown) => {
        const key = err instanceof ApiError ? err.body.key : undefined;
        if (!key || !showFieldError(form, key, (err as Error).message)) notice((err as Error).message);
      },
    );
  });
}

async function main(): Promise<void> {
  const s = await api<SessionInfo>('GET', '/api/session');
  setUnauthorizedHandler(() => {
    stopPolling();
    show('login');
  });
  authForm('setup-form', '/api/setup', ['token', 'password'], true);
  authForm('login-form', '/api/login', ['password'], true);
  byId('logout').addEventListener('click', () => {
    void api('POST', '/api/logout').finally(() => {
      stopPolling();
      setCsrfToken(null);
      byId('logout').hidden = true;
      show('login');
    });
  });
  if (s.setupRequired) show('setup');
  else if (!s.authenticated) show('login');
  else await enterApp(s.csrfToken, s.loginRequired);
}

main().catch((err: Error) => notice(`The page could not start: ${err.message}`));
