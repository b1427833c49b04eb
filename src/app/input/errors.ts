import { RdLabError } from '../../errors';

/** Why an input could not be opened; each kind has a message a visitor can act on. */
export type ImageInputErrorKind = 'not-an-image' | 'unsupported-format' | 'corrupt' | 'too-large' | 'too-small' | 'empty' | 'read-failed';

export class ImageInputError extends RdLabError<ImageInputErrorKind> {
  constructor(kind: ImageInputErrorKind, message: string) {
    super(kind, message);
    this.name = 'ImageInputError';
  }
}
