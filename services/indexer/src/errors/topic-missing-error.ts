import { AuthlogError } from '../../../../shared/errors/authlog-error.js';

/** The events topic does not exist (auto-creation is off; the relay or an operator creates it). */
export class TopicMissingError extends AuthlogError {
  readonly code = 'TOPIC_MISSING';
  readonly retryable = true;

  constructor(
    readonly topic: string,
    waitedMs: number,
  ) {
    super(`Kafka topic ${topic} does not exist (waited ${waitedMs} ms); create it or start the relay first`);
  }
}
