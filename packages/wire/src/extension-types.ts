/**
 * msgpack extension type codes, all in one place.
 *
 * msgpackr itself uses 0x42 (BigInt), 0x65 (Error), 0x69/0x70 (references),
 * 0x73 (Set), 0x74 (typed arrays), 0x78 (RegExp) and others above 0x40, so ours
 * stay below that: 1–15 for multiproc's own types, 16–63 for users'.
 *
 * @module
 */

/** An Error with its name, message, stack, code, cause and own fields. */
export const ERROR_EXT = 1;
/** Channel control frames of the bulk ring: its file, a bytes message in it, room given back (bulk-frames.ts). */
export const BULK_EXT = 13;
/** A Channel control frame: modules the receiver must import before decoding further (required-modules.ts). */
export const REQUIRE_MODULES_EXT = 15;
/** A Channel control frame: the sender restarted its encoder; restart the decoder (required-modules.ts). */
export const RESET_CODEC_EXT = 14;
/** An instance of a class exported from a module, crossing by reference (class-ref.ts). */
export const CLASS_EXT = 12;
/** An instance of a class registered with `registerPassable` without a type code: its registration is named (passable.ts). */
export const NAMED_PASSABLE_EXT = 11;
/** First type code of the range multiproc packages use for their passable objects (Queue, Lock, Pipe ends…). */
export const FIRST_INTERNAL_EXT = 2;
/** Last type code of the range for multiproc's passable objects. */
export const LAST_INTERNAL_EXT = 10;
/** First type code open to users' passable classes. */
export const FIRST_USER_EXT = 16;
/** Last type code open to users' passable classes. */
export const LAST_USER_EXT = 63;
