import { createHash, KeyObject, sign, verify } from 'node:crypto';
import { canonicalJson } from './canonical-json';

/** The bytes a supplier signs: the RFC 8785 canonical JSON of the `certificate` object. */
export function signedBytes(certificate: unknown): Buffer {
  return Buffer.from(canonicalJson(certificate), 'utf8');
}

export function sha256Hex(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Base64 Ed25519 signature of the certificate's canonical JSON. */
export function signCertificate(certificate: unknown, privateKey: KeyObject | string): string {
  return sign(null, signedBytes(certificate), privateKey).toString('base64');
}

/** False for a wrong signature and for a key that is not a usable public key. */
export function signatureVerifies(bytes: Buffer, signature: string, publicKeyPem: string): boolean {
  try {
    return verify(null, bytes, publicKeyPem, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}
