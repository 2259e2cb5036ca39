import { inspect } from 'node:util';

/**
 * An endpoint's opened custom headers, held by the dispatcher between a cache fill and a request.
 * The values are reachable only through `forRequest()`: serialising or inspecting the object (a
 * log line that includes a delivery target, an error's context) shows the names and `***`.
 */
export class CustomHeaders {
  static readonly NONE = new CustomHeaders([]);
  readonly #values: Readonly<Record<string, string>>;
  readonly names: readonly string[];

  constructor(pairs: readonly (readonly [string, string])[]) {
    this.#values = Object.freeze(Object.fromEntries(pairs.map(([name, value]) => [name.toLowerCase(), value])));
    this.names = Object.freeze(pairs.map(([name]) => name));
  }

  /** Lower-cased names to values, for the request (built once per cache fill, shared by every request). */
  forRequest(): Readonly<Record<string, string>> {
    return this.#values;
  }

  toJSON(): Record<string, string> {
    return Object.fromEntries(this.names.map((name) => [name, '***']));
  }

  [inspect.custom](): string {
    return `CustomHeaders ${JSON.stringify(this.toJSON())}`;
  }
}
