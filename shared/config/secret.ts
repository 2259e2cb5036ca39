import { inspect } from 'node:util';

const REDACTED = '[redacted]';

/**
 * A secret setting's value. It prints, serialises and inspects as "[redacted]", so a settings
 * object or an error that carries one can be logged without leaking it; `reveal()` is the one
 * way to the text, called where the secret is handed to a client.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  get length(): number {
    return this.#value.length;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}
