import { AuthlogError } from '../../../../shared/errors/authlog-error.js';

/** A download link that is forged, altered or expired: the API answers 403. */
export class ExportLinkError extends AuthlogError {
  readonly code = 'EXPORT_LINK_INVALID';
  readonly retryable = false;

  constructor(readonly why: 'malformed' | 'signature' | 'expired') {
    super(why === 'expired' ? 'this download link has expired: create a new one' : 'this download link is not valid');
  }
}
