// `pacsgate echo` and `pacsgate send`: thin wrappers over the SCU services.
import type { ParsedArgs } from '../cli.js';
import { GatewayError } from '../errors.js';

export async function echoCommand(_args: ParsedArgs): Promise<number> {
  throw new GatewayError('GW_ERR_NOT_BUILT', 'echo: the DICOM network layer is not in this build yet');
}

export async function sendCommand(_args: ParsedArgs): Promise<number> {
  throw new GatewayError('GW_ERR_NOT_BUILT', 'send: the DICOM network layer is not in this build yet');
}
