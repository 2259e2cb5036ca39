import { AuthlogError } from '../../../../shared/errors/authlog-error.js';

/** A download link that is forged, altered, expired, used already, or made by a revoked key: the API answers 403. */
export class ExportLinkError extends AuthlogError {
  readonly code = 'EXPORT_LINK_INVALID';
  readonly retryable = false;

  constructor(readonly why: 'malformed' | 'signature' | 'expired' | 'used' | 'revoked') {
    super(MESSAGES[why]);
  }
}

const MESSAGES: Record<ExportLinkError['why'], string> = {
  malformed: 'this download link is not valid',
  signature: 'this download link is not valid',
  expired: 'this download link has expired: create a new one',
  used: 'this download link was used already (links are single-use): create a new one',
  revoked: 'the API key that made this download link was revoked',
};
