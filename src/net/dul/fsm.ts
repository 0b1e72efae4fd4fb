// net/dul layer: the state machine proper — looks up (event, state) in Table 9-10 and runs the action.
// An event with no cell is our own bug for local events (throws DUL_INVALID_EVENT); the socket
// adapter never feeds remote events in Sta1/Sta4 (no transport there).
import { GatewayError } from '../../errors.js';
import { ACTIONS, type DulPort, type EventPayload } from './actions.js';
import { lookup, type ActionName, type DulEvent, type State } from './table.js';

export interface Transition {
  from: State;
  event: DulEvent;
  action: ActionName;
  to: State;
}

export class StateMachine {
  state: State = 'Sta1';
  /** Last transition, for debug logs ('Sta6 + Evt12 -> AR-2 -> Sta8'). */
  last: Transition | undefined;
  constructor(private readonly port: DulPort) {}

  private busy = false;
  private queue: Array<[DulEvent, EventPayload]> = [];

  /**
   * Runs the action of (event, current state). An event raised from inside an action (an
   * indication whose handler answers at once) is queued and run after the current transition.
   * @throws GatewayError GW_ERR_DUL_INVALID_EVENT when `event` has no cell in the current state.
   */
  handle(event: DulEvent, payload: EventPayload = {}): void {
    if (this.busy) {
      this.queue.push([event, payload]);
      return;
    }
    this.busy = true;
    try {
      this.step(event, payload);
      for (let next = this.queue.shift(); next; next = this.queue.shift()) this.step(next[0], next[1]);
    } finally {
      this.busy = false;
      this.queue = [];
    }
  }

  private step(event: DulEvent, payload: EventPayload): void {
    const from = this.state;
    const action = lookup(event, from);
    if (!action) throw new GatewayError('GW_ERR_DUL_INVALID_EVENT', `DUL: ${event} is not valid in ${from}`);
    const to = ACTIONS[action].run(this.port, payload);
    this.state = to;
    this.last = { from, event, action, to };
  }

  can(event: DulEvent): boolean {
    return lookup(event, this.state) !== undefined;
  }
}
