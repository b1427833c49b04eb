import { RdLabError } from '../../errors';

/** What went wrong in the entropy layer. */
export type EntropyErrorKind =
  /** A CDF table (or a set of tables) breaks the rules in docs/entropy-coding.md §2. */
  | 'invalid-table'
  /** A caller-supplied argument is unusable (wrong length, table index out of range, bad precision…). */
  | 'invalid-argument'
  /** A symbol cannot be represented (not an int32). */
  | 'invalid-symbol'
  /** The decoder needed more bytes than the stream holds. */
  | 'stream-exhausted'
  /** The stream's first four bytes are not a valid rANS state. */
  | 'bad-initial-state'
  /** After the last symbol the state is not the encoder's initial state, or bytes are left over. */
  | 'final-state-mismatch'
  /** An escape code decodes to a bit length or value that no encoder produces. */
  | 'bad-escape';

/** Typed error of the entropy layer: `kind` says what, `message` says where and what was expected. */
export class EntropyError extends RdLabError<EntropyErrorKind> {
  constructor(kind: EntropyErrorKind, message: string) {
    super(kind, message);
    this.name = 'EntropyError';
  }
}
