// Web layer: the admin credential on disk (scrypt hash) and the one-time setup token.
// Both files live in stateDir with mode 0600. Must not know about HTTP or sessions.
import { mkdir, readFile, unlink } from 'node:fs/promises';
import { scrypt as scryptCb, randomBytes, type ScryptOptions } from 'node:crypto';
import path from 'node:path';
import { writeFileAtomic } from '../../config/save.js';
import type { Logger } from '../../log.js';
import { newSecret, sameSecret } from './sessions.js';

export const AUTH_FILE = 'auth.json';
export const SETUP_TOKEN_FILE = 'setup-token';
export const MIN_PASSWORD = 10;
export const MAX_PASSWORD = 256;

/** scrypt cost: N=2^15, r=8 (32 MiB; 0.29 s measured on the shared x86 build box; a Pi is slower, not measured). */
const SCRYPT = { N: 1 << 15, r: 8, p: 1, keyLen: 32 } as const;

interface HashRecord {
  scheme: 'scrypt';
  N: number;
  r: number;
  p: number;
  salt: string;
  hash: string;
}

function scrypt(password: string, salt: Buffer, keyLen: number, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scryptCb(password.normalize('NFC'), salt, keyLen, opts, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

async function hashPassword(password: string): Promise<HashRecord> {
  const salt = randomBytes(16);
  const { N, r, p, keyLen } = SCRYPT;
  const key = await scrypt(password, salt, keyLen, { N, r, p, maxmem: 256 * N * r });
  return { scheme: 'scrypt', N, r, p, salt: salt.toString('base64'), hash: key.toString('base64') };
}

export class AuthStore {
  private record: HashRecord | null = null;
  private setupToken: string | null = null;

  private constructor(private readonly dir: string, private readonly log: Logger) {}

  /**
   * Loads the credential. When login is required and no password is set yet, makes sure a setup
   * token exists (reusing an earlier one), writes it to `<stateDir>/setup-token` (0600) and logs it.
   */
  static async open(stateDir: string, log: Logger, loginRequired: boolean): Promise<AuthStore> {
    const store = new AuthStore(stateDir, log);
    await mkdir(stateDir, { recursive: true, mode: 0o700 });
    const text = await readFile(path.join(stateDir, AUTH_FILE), 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return null;
      throw err;
    });
    if (text !== null) store.record = JSON.parse(text) as HashRecord;
    if (loginRequired && !store.record) await store.ensureSetupToken();
    return store;
  }

  private async ensureSetupToken(): Promise<void> {
    const file = path.join(this.dir, SETUP_TOKEN_FILE);
    const old = await readFile(file, 'utf8').then((s) => s.trim(), () => '');
    this.setupToken = old || newSecret(18);
    if (!old) await writeFileAtomic(file, this.setupToken + '\n', 0o600);
    // The token is what an operator needs to claim the page; printing it is the point.
    this.log.warn({ setupToken: this.setupToken, file }, 'http setup token');
  }

  hasPassword(): boolean {
    return this.record !== null;
  }

  /**
   * Checks the setup token and, if right, sets the password. The token is taken synchronously,
   * so two concurrent setups cannot both win; it is put back if storing the hash fails.
   */
  async setup(token: string, password: string): Promise<boolean> {
    const t = this.setupToken;
    if (t === null || this.record || !sameSecret(token, t)) return false;
    this.setupToken = null;
    try {
      await this.setPassword(password);
    } catch (err) {
      this.setupToken = t;
      throw err;
    }
    return true;
  }

  /** Stores a new password hash (atomically, 0600) and retires the setup token file. */
  private async setPassword(password: string): Promise<void> {
    const rec = await hashPassword(password);
    await writeFileAtomic(path.join(this.dir, AUTH_FILE), JSON.stringify(rec) + '\n', 0o600);
    this.record = rec;
    this.setupToken = null;
    await unlink(path.join(this.dir, SETUP_TOKEN_FILE)).catch(() => undefined);
  }

  async verifyPassword(password: string): Promise<boolean> {
    const rec = this.record;
    if (!rec) return false;
    const expected = Buffer.from(rec.hash, 'base64');
    const key = await scrypt(password, Buffer.from(rec.salt, 'base64'), expected.length, {
      N: rec.N, r: rec.r, p: rec.p, maxmem: 256 * rec.N * rec.r,
    });
    return sameSecret(key.toString('base64'), rec.hash);
  }
}
