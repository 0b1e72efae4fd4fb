// Browser side of the web layer: shows a validation error next to the input whose data-key names
// the config key (e.g. "destinations[0].port"), with aria-invalid + aria-describedby.
// Must not validate anything itself: keys and messages come from the shared schema or the server.

let errorSeq = 0;

/** Inputs carry data-key; a key like routes[0].destinations[1] falls back to routes[0].destinations. */
function inputFor(root: HTMLElement, key: string): HTMLInputElement | null {
  let best: HTMLInputElement | null = null;
  let bestLen = -1;
  for (const el of root.querySelectorAll<HTMLInputElement>('input[data-key]')) {
    const k = el.dataset.key as string;
    const hit = k === key || key.startsWith(`${k}.`) || key.startsWith(`${k}[`);
    if (hit && k.length > bestLen) {
      best = el;
      bestLen = k.length;
    }
  }
  return best;
}

export function clearFieldErrors(root: HTMLElement): void {
  for (const el of root.querySelectorAll<HTMLInputElement>('input[aria-invalid]')) el.removeAttribute('aria-invalid');
  for (const el of root.querySelectorAll('.err')) el.textContent = '';
}

/** "config destinations[0].port: expected …" → "expected …" (the field already says which key). */
export function shortMessage(message: string): string {
  return message.replace(/^config [^:]+: /, '');
}

/** Marks the field for `key`; returns false when no field matches (the caller shows it elsewhere). */
export function showFieldError(root: HTMLElement, key: string, message: string, focus = true): boolean {
  const input = inputFor(root, key);
  if (!input) return false;
  const err = input.parentElement?.querySelector('.err');
  if (!err) return false;
  if (!err.id) err.id = `field-err-${++errorSeq}`;
  err.textContent = shortMessage(message);
  input.setAttribute('aria-invalid', 'true');
  input.setAttribute('aria-describedby', err.id);
  if (focus) input.focus();
  return true;
}
