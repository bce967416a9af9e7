/**
 * The Channel control frames of a bulk ring (see bulk-ring.ts): the writer
 * names its ring file once, then sends a small frame for each bytes message it
 * put there, in the stream's order. When the ring is full it says it waits, and
 * the reader gives the room back as it takes messages — only then, so the
 * reader writes to the socket only while the writer is there to read it. One
 * msgpack extension type carries the four, as
 * `[kind, …fields]`; anything else of that type is a protocol error.
 *
 * @module
 */
import { addExtension } from 'msgpackr/pack';
import { ProtocolError } from './errors.js';
import { BULK_EXT } from './extension-types.js';

const OPEN = 0;
const BYTES = 1;
const FREE = 2;
const WAIT = 3;

/** The three frames' common class: msgpackr finds an extension by `instanceof`. */
export abstract class BulkFrame {
  /** The wire form, `[kind, …fields]`. */
  abstract fields(): unknown[];
}

/** Writer → reader, once, before the first {@link BulkBytes}: the ring file, and its size. */
export class BulkOpen extends BulkFrame {
  constructor(
    readonly path: string,
    readonly size: number,
  ) {
    super();
  }

  fields(): unknown[] {
    return [OPEN, this.path, this.size];
  }
}

/** Writer → reader: a bytes message of `length` bytes at ring address `at` (its offset in the file is `at % size`). */
export class BulkBytes extends BulkFrame {
  constructor(
    readonly at: number,
    readonly length: number,
  ) {
    super();
  }

  fields(): unknown[] {
    return [BYTES, this.at, this.length];
  }
}

/** Writer → reader: the ring is full; give room back (a {@link BulkFree}) as soon as some is taken. */
export class BulkWait extends BulkFrame {
  fields(): unknown[] {
    return [WAIT];
  }
}

/** Reader → writer, answering a {@link BulkWait}: the messages below ring address `upTo` were taken; their room may be written again. */
export class BulkFree extends BulkFrame {
  constructor(readonly upTo: number) {
    super();
  }

  fields(): unknown[] {
    return [FREE, this.upTo];
  }
}

const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

addExtension({
  Class: BulkFrame,
  type: BULK_EXT,
  write: (frame: BulkFrame) => frame.fields(),
  read: (fields: unknown) => {
    if (Array.isArray(fields)) {
      const [kind, a, b] = fields as unknown[];
      if (kind === OPEN && typeof a === 'string' && isCount(b)) return new BulkOpen(a, b);
      if (kind === BYTES && isCount(a) && isCount(b)) return new BulkBytes(a, b);
      if (kind === FREE && isCount(a)) return new BulkFree(a);
      if (kind === WAIT && fields.length === 1) return new BulkWait();
    }
    throw new ProtocolError(`a bulk ring control frame of an unknown shape: ${JSON.stringify(fields).slice(0, 200)}.`);
  },
});
