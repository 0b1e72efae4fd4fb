// Test-only helper: where the project root and the shared public test data are.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// dist/test/native/helpers → project root is four levels up.
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
export const TESTDATA = path.resolve(ROOT, '..', 'shared', 'testdata');
