/**
 * Base of every error this project throws on purpose. `code` is stable (tests, logs and API
 * answers key on it); `retryable` says whether trying the same thing again may succeed, so callers
 * decide by type, never by matching messages.
 */
export abstract class AuthlogError extends Error {
  abstract readonly code: string;
  abstract readonly retryable: boolean;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}
