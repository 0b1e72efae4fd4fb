// net layer: the public surface main, services and the forwarder use. Re-exports only.
export { startDicomServer, type DicomServer, type DicomServerOptions } from './server.js';
export { openAssociation, AssociationRejectedError, buildAssociateRq, type OpenAssociationOptions } from './scu.js';
export { VERIFICATION_SOP_CLASS } from './dimse/messages.js';
export type {
  AcceptedContext,
  AssociationEvent,
  AssociationInfo,
  ScpHandlers,
  ScpPolicy,
  ScuAssociation,
  ScuContext,
  ScuStoreRequest,
  StoreRequest,
  StoreSink,
} from './types.js';
