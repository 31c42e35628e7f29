import { createHash, pbkdf2Sync, randomBytes } from 'node:crypto';

/** `dp_<keyId>_<secret>`: the id lets an external broker's password file name the key. */
export function newApiKey(): { keyId: string; apiKey: string } {
  const keyId = `key_${randomBytes(8).toString('hex')}`;
  return { keyId, apiKey: `dp_${keyId}_${randomBytes(32).toString('base64url')}` };
}

export function newSecret(): string {
  return `dp_admin_${randomBytes(32).toString('base64url')}`;
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** Mosquitto 2's password-file hash (`$7$`: PBKDF2-SHA512, 101 iterations, 12-byte salt). */
export function mosquittoPasswordHash(password: string, salt = randomBytes(12)): string {
  const iterations = 101;
  const hash = pbkdf2Sync(password, salt, iterations, 64, 'sha512');
  return `$7$${iterations}$${salt.toString('base64')}$${hash.toString('base64')}`;
}
