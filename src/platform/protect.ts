import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

/**
 * Personal data at rest (NIK, home addresses): AES-256-GCM with a fresh IV per
 * value, stored as base64 "iv.tag.ciphertext". A keyed HMAC allows exact lookup
 * by NIK without storing it readable.
 */
export class Protector {
  readonly #encKey: Buffer;
  readonly #macKey: Buffer;

  constructor(secretKey: Buffer) {
    // Separate keys for the two uses, derived from the one configured secret.
    this.#encKey = createHmac('sha256', secretKey).update('simpul:enc').digest();
    this.#macKey = createHmac('sha256', secretKey).update('simpul:mac').digest();
  }

  encrypt(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#encKey, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [iv, cipher.getAuthTag(), body].map((b) => b.toString('base64')).join('.');
  }

  decrypt(stored: string): string {
    const [iv, tag, body] = stored.split('.').map((p) => Buffer.from(p, 'base64'));
    if (!iv || !tag || !body) throw new Error('protected value is malformed');
    const decipher = createDecipheriv('aes-256-gcm', this.#encKey, iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
  }

  lookupHash(value: string): string {
    return createHmac('sha256', this.#macKey).update(value).digest('hex');
  }
}

/** "1375010101900001" -> "************0001" */
export function maskNik(last4: string | null): string | null {
  return last4 ? `************${last4}` : null;
}
