/**
 * Optional payload sealing: AES-256-GCM per value, with the object it belongs to (`namespace/kind/name`) as
 * additional data, so a value copied into another object, or read with another key, does not open.
 *
 * Layout: 1 version byte (1), 12 bytes of random nonce, the ciphertext, 16 bytes of tag.
 *
 * @module
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { BackendConfigError, PayloadSealError } from './errors.js';

/** A checked 32-byte key. */
export interface SealKey {
  readonly bytes: Buffer;
}

const VERSION = 1;
const NONCE = 12;
const TAG = 16;

/**
 * Checks a `payloadKey`: 32 bytes, as a Buffer/Uint8Array, or 64 hex digits, or base64 of 32 bytes.
 *
 * @throws {BackendConfigError} `ERR_BACKEND_CONFIG` for anything else (the message does not repeat the key).
 */
export function sealKey(key: string | Uint8Array): SealKey {
  let bytes: Buffer;
  if (typeof key !== 'string') bytes = Buffer.from(key);
  else if (/^[0-9a-fA-F]{64}$/.test(key)) bytes = Buffer.from(key, 'hex');
  else bytes = Buffer.from(key, 'base64');
  if (bytes.length !== 32) {
    throw new BackendConfigError(
      `connect(): payloadKey must be 32 bytes (a Buffer, 64 hex digits or base64 of 32 bytes), got ${bytes.length} bytes. ` +
        "Make one with: node -e \"console.log(require('crypto').randomBytes(32).toString('hex'))\"",
    );
  }
  return { bytes };
}

/** Seals `plain` for `context`. */
export function sealValue(key: SealKey, plain: Uint8Array, context: string): Buffer {
  const nonce = randomBytes(NONCE);
  const cipher = createCipheriv('aes-256-gcm', key.bytes, nonce);
  cipher.setAAD(Buffer.from(context));
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([Buffer.of(VERSION), nonce, body, cipher.getAuthTag()]);
}

/**
 * Opens a value sealed for `context`.
 *
 * @throws {PayloadSealError} `ERR_PAYLOAD_SEAL` when it does not open (another key, another object, altered, or not sealed).
 */
export function openValue(key: SealKey, sealed: Buffer, context: string): Buffer {
  if (sealed.length < 1 + NONCE + TAG || sealed[0] !== VERSION) {
    throw new PayloadSealError(`a value of ${context} is not sealed (or sealed by another version): was it written without payloadKey?`);
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.bytes, sealed.subarray(1, 1 + NONCE));
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG));
    return Buffer.concat([decipher.update(sealed.subarray(1 + NONCE, sealed.length - TAG)), decipher.final()]);
  } catch (cause) {
    throw new PayloadSealError(
      `a value of ${context} did not open: it was sealed with another payloadKey, for another object, or altered. ` +
        'Give every process of this namespace the same payloadKey.',
      { cause },
    );
  }
}
