// `pacsgate status`: fetches /api/status from a running daemon and prints it.
export async function printStatus(url?: string): Promise<number> {
  const host = process.env.PACSGATE_HTTP_HOST || '127.0.0.1';
  const port = process.env.PACSGATE_HTTP_PORT || '8080';
  const base = (url ?? `http://${host.includes(':') ? `[${host}]` : host}:${port}`).replace(/\/$/, '');
  try {
    const res = await fetch(`${base}/api/status`, { signal: AbortSignal.timeout(5000) });
    const body = await res.text();
    process.stdout.write(body.endsWith('\n') ? body : body + '\n');
    return res.ok ? 0 : 1;
  } catch (err) {
    process.stderr.write(`pacsgate status: cannot reach ${base}: ${(err as Error).message}\n`);
    return 1;
  }
}
