/**
 * Why a message of the events topic can never be consumed: `reason` a stable code (the dead-letter
 * reason header), `error` what was wrong, for a human. The same bytes fail the same way forever, so
 * it is dead-lettered, never retried.
 */
export class DecodeFailure {
  constructor(
    readonly reason: string,
    readonly error: string,
  ) {}
}
