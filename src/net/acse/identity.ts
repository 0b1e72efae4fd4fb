// net/acse layer: our implementation identity for A-ASSOCIATE user information (PS3.7 Annex D.3.3.2-3).
// Constants only.
import { VERSION } from '../../version.js';

/** A UUID-derived UID (PS3.5 §B.2, root 2.25) identifying the pacsgate implementation. */
export const IMPLEMENTATION_CLASS_UID = '2.25.308498953143078319138680123659166260498';
/** PS3.7 D.3.3.2: 1-16 characters. */
export const IMPLEMENTATION_VERSION_NAME = `PACSGATE_${VERSION}`.slice(0, 16);
