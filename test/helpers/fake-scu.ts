// A fake association's C-STORE that keeps ScuAssociation.store's contract (src/net/types.ts): operations
// run one at a time, in call order, and `proceed` is asked when a request's turn comes.
import type { ScuStoreRequest, ScuStoreResult } from '../../src/net/types.js';

export function oneAtATime(store: (req: ScuStoreRequest) => Promise<ScuStoreResult>): (req: ScuStoreRequest) => Promise<ScuStoreResult> {
  let queue: Promise<unknown> = Promise.resolve();
  return (req) => {
    const turn = (): Promise<ScuStoreResult> => (req.proceed && !req.proceed() ? Promise.resolve({ status: 0xffff, skipped: true }) : store(req));
    const r = queue.then(turn, turn);
    queue = r.catch(() => undefined);
    return r;
  };
}
