// net/acse layer: our implementation identity for A-ASSOCIATE user information (PS3.7 Annex D.3.3.2-3).
// Defined once in the dicom layer (also written to file meta); re-exported here for the ACSE code.
export { IMPLEMENTATION_CLASS_UID, IMPLEMENTATION_VERSION_NAME } from '../../dicom/writer.js';
