import { AuthlogError } from '../errors/authlog-error.js';

/** A Kafka message on an events topic that is not one of our CloudEvents: dead-letter it, never retry. */
export class MalformedCloudEventError extends AuthlogError {
  readonly code = 'MALFORMED_CLOUD_EVENT';
  readonly retryable = false;
}
