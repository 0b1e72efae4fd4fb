// net/dul layer: PS3.8 §9.2 as data — states (Table 9-1), events (Table 9-2) and the state
// transition table (Table 9-10). No behaviour here; actions.ts holds the action functions.

/** PS3.8 Table 9-1. */
export const STATES = {
  Sta1: 'Idle',
  Sta2: 'Transport connection open (awaiting A-ASSOCIATE-RQ PDU)',
  Sta3: 'Awaiting local A-ASSOCIATE response primitive',
  Sta4: 'Awaiting transport connection opening to complete',
  Sta5: 'Awaiting A-ASSOCIATE-AC or A-ASSOCIATE-RJ PDU',
  Sta6: 'Association established and ready for data transfer',
  Sta7: 'Awaiting A-RELEASE-RP PDU',
  Sta8: 'Awaiting local A-RELEASE response primitive',
  Sta9: 'Release collision requestor side; awaiting A-RELEASE response primitive',
  Sta10: 'Release collision acceptor side; awaiting A-RELEASE-RP PDU',
  Sta11: 'Release collision requestor side; awaiting A-RELEASE-RP PDU',
  Sta12: 'Release collision acceptor side; awaiting A-RELEASE response primitive',
  Sta13: 'Awaiting Transport Connection Close Indication',
} as const;
export type State = keyof typeof STATES;

/** PS3.8 Table 9-2. */
export const EVENTS = {
  Evt1: 'A-ASSOCIATE request (local user)',
  Evt2: 'Transport connect confirmation (local transport service)',
  Evt3: 'A-ASSOCIATE-AC PDU (received on transport connection)',
  Evt4: 'A-ASSOCIATE-RJ PDU (received on transport connection)',
  Evt5: 'Transport connection indication (local transport service)',
  Evt6: 'A-ASSOCIATE-RQ PDU (received on transport connection)',
  Evt7: 'A-ASSOCIATE response primitive (accept)',
  Evt8: 'A-ASSOCIATE response primitive (reject)',
  Evt9: 'P-DATA request primitive',
  Evt10: 'P-DATA-TF PDU (received on transport connection)',
  Evt11: 'A-RELEASE request primitive',
  Evt12: 'A-RELEASE-RQ PDU (received on transport connection)',
  Evt13: 'A-RELEASE-RP PDU (received on transport connection)',
  Evt14: 'A-RELEASE response primitive',
  Evt15: 'A-ABORT request primitive',
  Evt16: 'A-ABORT PDU (received on transport connection)',
  Evt17: 'Transport connection closed indication (local transport service)',
  Evt18: 'ARTIM timer expired (Association reject/release timer)',
  Evt19: 'Unrecognized or invalid PDU received',
} as const;
export type DulEvent = keyof typeof EVENTS;

export type ActionName =
  | 'AE-1' | 'AE-2' | 'AE-3' | 'AE-4' | 'AE-5' | 'AE-6' | 'AE-7' | 'AE-8'
  | 'DT-1' | 'DT-2'
  | 'AR-1' | 'AR-2' | 'AR-3' | 'AR-4' | 'AR-5' | 'AR-6' | 'AR-7' | 'AR-8' | 'AR-9' | 'AR-10'
  | 'AA-1' | 'AA-2' | 'AA-3' | 'AA-4' | 'AA-5' | 'AA-6' | 'AA-7' | 'AA-8';

type Row = Partial<Record<State, ActionName>>;

/** Sta3 and Sta5..Sta12 share most cells ("AA-8 everywhere the association exists"). */
const MID: readonly State[] = ['Sta3', 'Sta5', 'Sta6', 'Sta7', 'Sta8', 'Sta9', 'Sta10', 'Sta11', 'Sta12'];
function row(rest: ActionName, cells: Row): Row {
  const r: Row = {};
  for (const s of MID) r[s] = rest;
  return { ...r, ...cells };
}

/** PS3.8 Table 9-10: TABLE[event][state] = action; an absent cell is not a legal event in that state. */
export const TRANSITION_TABLE: Record<DulEvent, Row> = {
  Evt1: { Sta1: 'AE-1' },
  Evt2: { Sta4: 'AE-2' },
  Evt3: row('AA-8', { Sta2: 'AA-1', Sta5: 'AE-3', Sta13: 'AA-6' }),
  Evt4: row('AA-8', { Sta2: 'AA-1', Sta5: 'AE-4', Sta13: 'AA-6' }),
  Evt5: { Sta1: 'AE-5' },
  Evt6: row('AA-8', { Sta2: 'AE-6', Sta13: 'AA-7' }),
  Evt7: { Sta3: 'AE-7' },
  Evt8: { Sta3: 'AE-8' },
  Evt9: { Sta6: 'DT-1', Sta8: 'AR-7' },
  Evt10: row('AA-8', { Sta2: 'AA-1', Sta6: 'DT-2', Sta7: 'AR-6', Sta13: 'AA-6' }),
  Evt11: { Sta6: 'AR-1' },
  Evt12: row('AA-8', { Sta2: 'AA-1', Sta6: 'AR-2', Sta7: 'AR-8', Sta13: 'AA-6' }),
  Evt13: row('AA-8', { Sta2: 'AA-1', Sta7: 'AR-3', Sta10: 'AR-10', Sta11: 'AR-3', Sta13: 'AA-6' }),
  Evt14: { Sta8: 'AR-4', Sta9: 'AR-9', Sta12: 'AR-4' },
  Evt15: row('AA-1', { Sta4: 'AA-2' }),
  Evt16: row('AA-3', { Sta2: 'AA-2', Sta13: 'AA-2' }),
  Evt17: row('AA-4', { Sta2: 'AA-5', Sta4: 'AA-4', Sta13: 'AR-5' }),
  Evt18: { Sta2: 'AA-2', Sta13: 'AA-2' },
  Evt19: row('AA-8', { Sta2: 'AA-1', Sta13: 'AA-7' }),
};

export function lookup(event: DulEvent, state: State): ActionName | undefined {
  return TRANSITION_TABLE[event][state];
}
