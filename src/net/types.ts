// net layer: the interfaces main and the services see (SCP policy and handlers, SCU association).
// Types only; nothing here imports a service or the spool (main injects the implementations).
import type { AllowEntry } from '../config/types.js';

/** SCP policy, injected by main (may be re-read per association for live config). */
export interface ScpPolicy {
  aeTitle: string;
  calledAeCheck: 'strict' | 'any';
  allow: AllowEntry[];
  maxAssociations: number;
  maxAssociationsPerAe: number;
  /** Maximum Length we advertise (PS3.8 Annex D.1); incoming P-DATA-TF above it (+64 KiB) aborts. */
  maxPduLength: number;
  idleTimeoutSeconds: number;
  artimTimeoutSeconds: number;
  isAcceptableAbstractSyntax(uid: string): boolean;
  /** Transfer syntaxes we accept, most preferred first. */
  transferSyntaxPreference: readonly string[];
}

export interface AssociationInfo {
  id: string;
  callingAe: string;
  calledAe: string;
  peerAddress: string;
  peerPort: number;
  /** The peer's Maximum Length (0 = unlimited); our outgoing P-DATA-TF stay within it. */
  peerMaxPduLength: number;
  implementationClassUid?: string;
  implementationVersionName?: string;
  /** Socket reads land in one reused buffer (src/net/dul/read-buffer.ts), not a new Buffer each. */
  reusesReads?: boolean;
}

export interface StoreRequest {
  assoc: AssociationInfo;
  presentationContextId: number;
  abstractSyntax: string;
  transferSyntax: string;
  messageId: number;
  priority: number;
  affectedSopClassUid: string;
  affectedSopInstanceUid: string;
  moveOriginatorAe?: string;
  moveOriginatorMessageId?: number;
}

export interface StoreSink {
  /** Dataset bytes as they arrive (PDV slices of the association's read buffer, never copied or
   *  accumulated by the net layer). The slice is valid only during the call: the next socket read
   *  overwrites it (src/net/dul/read-buffer.ts), so a sink copies what it keeps. Returning a promise
   *  means "pause the socket until it resolves" (back-pressure). */
  write(chunk: Buffer): void | Promise<void>;
  /** Last fragment seen; resolves with the C-STORE-RSP status (and optional error comment). The
   *  response is sent only after it resolves. */
  end(): Promise<{ status: number; errorComment?: string; offendingElements?: number[] }>;
  /** Association ended (abort, socket close, our own abort) before end(): discard partial data. */
  abort(reason: string): void;
}

export interface AssociationEvent {
  type: 'accepted' | 'rejected' | 'released' | 'aborted';
  info: Partial<AssociationInfo>;
  reason?: string;
}

export interface ScpHandlers {
  /** Called when a C-STORE-RQ command is complete; the dataset follows through the sink. */
  onStoreRequest(req: StoreRequest): StoreSink;
  onAssociationEvent?(ev: AssociationEvent): void;
}

export interface ScuContext {
  abstractSyntax: string;
  transferSyntaxes: string[];
}

export interface AcceptedContext {
  id: number;
  abstractSyntax: string;
  transferSyntax: string;
}

export interface ScuStoreRequest {
  abstractSyntax: string;
  transferSyntax: string;
  sopClassUid: string;
  sopInstanceUid: string;
  dataset: AsyncIterable<Buffer> | Iterable<Buffer>;
  /**
   * Called while the data set is sent with n: its first n bytes are with the kernel and none of the
   * buffers that held them is referenced any more, so the source may reuse those buffers.
   */
  onDatasetReleased?: (bytes: number) => void;
  /**
   * Asked when this request's turn comes (operations run one at a time), just before its command is
   * sent. False sends nothing: store() then resolves with `skipped` (and status 0xFFFF, never sent).
   * A caller that queues its next C-STORE behind the one on the wire checks there that it is still due.
   */
  proceed?: () => boolean;
  priority?: number;
  timeoutMs?: number;
  moveOriginatorAe?: string;
  moveOriginatorMessageId?: number;
}

export interface ScuStoreResult {
  status: number;
  errorComment?: string;
  /** True when `proceed` said no: nothing was sent. */
  skipped?: boolean;
}

export interface ScuAssociation {
  readonly info: AssociationInfo;
  /** Accepted presentation contexts only. */
  readonly accepted: AcceptedContext[];
  /**
   * C-ECHO; resolves with the response status.
   * @throws GatewayError GW_ERR_ASSOC_STATE (Verification not accepted), GW_ERR_ASSOC_ABORTED,
   *   GW_ERR_TIMEOUT (no response within timeoutMs; the association is aborted).
   */
  echo(timeoutMs?: number): Promise<number>;
  /**
   * C-STORE; streams the dataset into P-DATA-TF PDUs within the peer's maximum length, awaiting
   * socket drain. Operations on one association run one at a time. Resolves only after every dataset
   * byte was handed to the kernel: the caller may then reuse the dataset's buffers.
   * @throws GatewayError GW_ERR_ASSOC_STATE (no accepted context for abstractSyntax + transferSyntax),
   *   GW_ERR_ASSOC_ABORTED, GW_ERR_TIMEOUT, or the dataset source's error (the association is then aborted).
   */
  store(req: ScuStoreRequest): Promise<ScuStoreResult>;
  /** A-RELEASE; resolves once the transport is closed (aborts after timeoutMs, default 30 s). */
  release(timeoutMs?: number): Promise<void>;
  /** A-ABORT (service-user source); pending operations reject with GW_ERR_ASSOC_ABORTED. */
  abort(): void;
  readonly closed: Promise<void>;
}
