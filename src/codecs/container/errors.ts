import { RdLabError } from '../../errors';

/** What is wrong with a container file (or with what a caller asked to write). */
export type ContainerErrorKind =
  /** The file ends before a field it must contain. */
  | 'truncated'
  /** The first four bytes are not "RDLB". */
  | 'bad-magic'
  /** A format version (or reserved flags) this reader does not know. */
  | 'unsupported-version'
  /** A length field disagrees with the file (declared file length, header end, stream lengths). */
  | 'length-mismatch'
  /** The CRC-32 over header and payload does not match: the file is corrupted. */
  | 'crc-mismatch'
  /** A field holds a value outside its allowed range (dimensions, counts, characters, limits). */
  | 'out-of-range'
  /** The file was made by another model (id or weights hash differ from what the caller expects). */
  | 'model-mismatch'
  /** The latent shapes differ from what the caller's model produces for this image size. */
  | 'shape-mismatch'
  /** writeContainer was given something it cannot store. */
  | 'invalid-argument';

/**
 * Typed error of the container reader/writer. `field` names the header field (as in docs/container-format.md),
 * `expected` and `actual` say what was allowed and what was found.
 */
export class ContainerError extends RdLabError<ContainerErrorKind> {
  readonly field: string;
  readonly expected: string;
  readonly actual: string;
  constructor(kind: ContainerErrorKind, field: string, expected: string, actual: string, detail?: string) {
    super(kind, `${field}: expected ${expected}, found ${actual}${detail ? ` (${detail})` : ''}.`);
    this.name = 'ContainerError';
    this.field = field;
    this.expected = expected;
    this.actual = actual;
  }
}
