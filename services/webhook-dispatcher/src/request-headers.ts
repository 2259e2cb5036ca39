import type { CustomHeaders } from '../../../shared/webhooks/headers/custom-headers.js';

/** What the attempt log shows instead of a custom header's value (a credential, e.g. `Splunk <token>`). */
export const REDACTED = '[redacted]';

/**
 * The headers of one webhook request, and the same headers as the attempt log keeps them: JSON text
 * with the endpoint's custom header values replaced by REDACTED. Both come from here so the log
 * cannot drift from what was sent.
 *
 * `webhook-signature` is kept: it is an HMAC of one message (id, timestamp and body), which reveals
 * nothing of the secret and signs nothing else, and a receiver whose verification fails needs it to
 * compare. `webhook-id` and `webhook-timestamp` are kept for the same reason.
 *
 * The log text is built on the hot path, once per attempt: the part shared by every request to an
 * endpoint (redacted custom headers, content type, user agent) is serialised once per CustomHeaders
 * (one per endpoint cache fill); each attempt appends only its signature headers.
 */
export class RequestHeaders {
  readonly #prefixes = new WeakMap<CustomHeaders, string>();
  /** The headers the dispatcher sets on every request besides the signature's. */
  readonly #ours: Readonly<Record<string, string>>;
  readonly #bare: string;

  constructor(userAgent: string) {
    this.#ours = Object.freeze({ 'content-type': 'application/json', 'user-agent': userAgent });
    this.#bare = this.#open({});
  }

  /** What goes on the wire: custom headers under ours, so none can replace a header we set. */
  forRequest(custom: CustomHeaders | undefined, signed: Readonly<Record<string, string>>): Record<string, string> {
    return { ...custom?.forRequest(), ...this.#ours, ...signed };
  }

  /** The JSON text of `forRequest(custom, signed)` with custom header values redacted. */
  logged(custom: CustomHeaders | undefined, signed: Readonly<Record<string, string>>): string {
    let text = custom === undefined ? this.#bare : this.#prefix(custom);
    for (const name in signed) text += `,${JSON.stringify(name)}:${JSON.stringify(signed[name])}`;
    return `${text}}`;
  }

  #prefix(custom: CustomHeaders): string {
    let prefix = this.#prefixes.get(custom);
    if (prefix === undefined) {
      const redacted: Record<string, string> = {};
      for (const name of Object.keys(custom.forRequest())) redacted[name] = REDACTED;
      prefix = this.#open(redacted);
      this.#prefixes.set(custom, prefix);
    }
    return prefix;
  }

  /** `{...custom, ...ours}` as JSON without its closing brace (never `{` alone: ours are always there). */
  #open(redacted: Record<string, string>): string {
    return JSON.stringify({ ...redacted, ...this.#ours }).slice(0, -1);
  }
}
