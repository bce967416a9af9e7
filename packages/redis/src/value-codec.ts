/**
 * Values as they are stored in Redis: wire's msgpack frames, as binary (never JSON), each one whole on its own.
 *
 * wire's Codec is made for a stream: it writes a record structure once and later frames refer to it. A value in Redis
 * is read by any process, in any order, so each value is encoded by a fresh encoder state and decoded by a fresh
 * decoder state (about 5 µs a value here, against a 60-110 µs round trip). With a `payloadKey`, each value is sealed
 * (see seal.ts) with the object it belongs to as additional data.
 *
 * @module
 */
import { Codec } from '@multiproc/wire';
import { openValue, sealValue, type SealKey } from './seal.js';

/** Encodes and decodes the values of one backend. */
export class ValueCodec {
  readonly #codec = new Codec();
  readonly #key: SealKey | undefined;

  constructor(key: SealKey | undefined) {
    this.#key = key;
  }

  /**
   * The bytes stored for `value`, in object `context` (`namespace/kind/name`, the sealing's additional data).
   *
   * @throws {EncodeError} `ERR_ENCODE` for a value that cannot leave this process.
   */
  encode(value: unknown, context: string): Buffer {
    const codec = this.#codec;
    let bytes: Buffer;
    try {
      bytes = Buffer.from(codec.encode(value));
    } finally {
      codec.discardEncoded();
      codec.takeReset();
    }
    return this.#key ? sealValue(this.#key, bytes, context) : bytes;
  }

  /**
   * The value stored as `bytes` in object `context`.
   *
   * @throws {PayloadSealError} `ERR_PAYLOAD_SEAL` for a sealed value that does not open with this key and context.
   * @throws {FrameDecodeError} `ERR_FRAME_DECODE` for bytes that are not one msgpack value.
   */
  decode(bytes: Buffer, context: string): unknown {
    const plain = this.#key ? openValue(this.#key, bytes, context) : bytes;
    this.#codec.resetDecoder();
    return this.#codec.decode(plain, `a value of ${context} in Redis`);
  }
}
