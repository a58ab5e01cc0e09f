import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

/** A privateId or master token: 256 bits from the OS CSPRNG, base64url. */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function newPublicId(): string {
  return randomUUID();
}

/** The daemon keeps only this digest of a privateId, never the secret itself. */
export function secretDigest(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

/**
 * Compares a presented secret with a stored digest in constant time. Hashing first makes both
 * sides 32 bytes, so neither the length nor the content of the secret leaks through timing.
 */
export function secretMatches(presented: string, storedDigest: Buffer): boolean {
  return timingSafeEqual(secretDigest(presented), storedDigest);
}

/** Short, non-secret fingerprint for logs: never log a privateId in full. */
export function fingerprint(digest: Buffer): string {
  return digest.subarray(0, 4).toString('hex');
}
