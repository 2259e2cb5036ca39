import { Agent } from 'undici';
import { DestinationRefusedError } from '../../../shared/webhooks/errors/destination-refused-error.js';
import type { CustomHeaders } from '../../../shared/webhooks/headers/custom-headers.js';
import { parseRetryAfter } from '../../../shared/webhooks/retry-schedule.js';
import type { AddressPolicy } from '../../../shared/webhooks/ssrf/address-policy.js';
import { guardedConnector } from '../../../shared/webhooks/ssrf/guarded-connector.js';
import { AttemptTimedOut, ExcerptHandler, type ExcerptResponse } from './excerpt-handler.js';
import { RequestHeaders } from './request-headers.js';

export interface HttpDelivererOptions {
  readonly policy: AddressPolicy;
  /** TCP (and TLS) connect budget. */
  readonly connectTimeoutMs: number;
  /** Whole attempt budget, connect to the end of the response excerpt, when the endpoint sets none. */
  readonly timeoutMs: number;
  /** Bytes of the response body kept for the attempt log; the rest is never read. */
  readonly excerptBytes: number;
  /** Keep-alive connections per origin: with per-endpoint concurrency, about that limit. */
  readonly connectionsPerOrigin: number;
  readonly userAgent?: string;
}

/** What an endpoint sets for its own requests, resolved once per endpoint cache fill. */
export interface EndpointRequestOptions {
  /** Custom headers (never reserved names, see shared/webhooks/headers), under the signature headers; redacted when logged. */
  readonly headers: CustomHeaders;
  /** Whole-attempt budget of this endpoint, within the service's bounds. */
  readonly timeoutMs: number;
}

export type AttemptErrorCode =
  | 'http_status'
  | 'redirect_not_followed'
  | 'destination_refused'
  | 'insecure_url'
  | 'connect_timeout'
  | 'timeout'
  | 'connection_refused'
  | 'connection_reset'
  | 'network_error';

export interface AttemptResult {
  readonly ok: boolean;
  readonly statusCode: number | null;
  readonly latencyMs: number;
  readonly errorCode: AttemptErrorCode | null;
  readonly error: string | null;
  readonly responseExcerpt: string | null;
  /** From Retry-After on 429/503. */
  readonly retryAfterMs: number | undefined;
  /** JSON text of the headers sent, custom header values redacted (see RequestHeaders); null when no request was made. */
  readonly requestHeaders: string | null;
}

/**
 * POSTs one webhook with undici: keep-alive pools per origin behind the SSRF-guarded connector,
 * connect and total timeouts, no redirects (a 3xx is a failed attempt), and at most
 * `excerptBytes` of the response read. Never throws: every outcome is an AttemptResult.
 *
 * Requests go through `agent.dispatch` with an ExcerptHandler rather than `agent.request()`: no
 * response stream, and the whole-attempt timeout is one sweep over the requests in flight every
 * 100 ms instead of an AbortSignal and its timer per request. An attempt therefore ends at most
 * ~100 ms after its timeout; a detached first attempt's BullMQ job waits the timeout + 1 s, which
 * covers it.
 */
export class HttpDeliverer {
  readonly #agent: Agent;
  readonly #urls = new Map<string, { protocol: string; origin: string; path: string }>();
  /** Handlers of requests in flight (each with its own deadline: endpoints set their own timeouts). */
  readonly #inFlight = new Set<ExcerptHandler>();
  readonly #sweeper: NodeJS.Timeout;
  readonly #headers: RequestHeaders;

  constructor(private readonly options: HttpDelivererOptions) {
    this.#agent = new Agent({
      connect: guardedConnector(options.policy, { connectTimeoutMs: options.connectTimeoutMs }),
      connections: options.connectionsPerOrigin,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      keepAliveTimeout: 4_000,
      keepAliveMaxTimeout: 60_000,
      maxHeaderSize: 16 * 1024,
      pipelining: 1,
    });
    this.#headers = new RequestHeaders(options.userAgent ?? 'authlog-webhooks/1');
    this.#sweeper = setInterval(() => this.#timeOutExpired(), TIMEOUT_SWEEP_MS);
    this.#sweeper.unref();
  }

  /** `headers`: the signature headers; `endpoint`: its custom headers and timeout (else none, and the service's timeout). */
  async post(url: string, headers: Record<string, string>, body: string | Buffer, endpoint?: EndpointRequestOptions): Promise<AttemptResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const target = this.#parse(url);
    if (target.protocol !== 'https:' && !(target.protocol === 'http:' && this.options.policy.allowHttp)) {
      return failure('insecure_url', `${target.protocol} URLs are not allowed (https only)`, elapsed(), null);
    }
    const timeoutMs = endpoint?.timeoutMs ?? this.options.timeoutMs;
    const outcome = await new Promise<ExcerptResponse | Error>((resolve) => {
      const handler: ExcerptHandler = new ExcerptHandler(this.options.excerptBytes, timeoutMs, (result) => {
        this.#inFlight.delete(handler);
        resolve(result);
      });
      this.#inFlight.add(handler);
      try {
        this.#agent.dispatch(
          { origin: target.origin, path: target.path, method: 'POST', headers: this.#headers.forRequest(endpoint?.headers, headers), body, headersTimeout: timeoutMs, bodyTimeout: timeoutMs },
          handler,
        );
      } catch (error) {
        handler.onResponseError(null, error instanceof Error ? error : new Error(String(error)));
      }
    });
    // Serialised for the attempt log once the request is out, not before it.
    const requestHeaders = this.#headers.logged(endpoint?.headers, headers);
    if (outcome instanceof Error) {
      const [code, message] = classify(outcome);
      return failure(code, message, elapsed(), requestHeaders);
    }
    const status = outcome.statusCode;
    const ok = status >= 200 && status < 300;
    const retryAfterMs = status === 429 || status === 503 ? parseRetryAfter(outcome.retryAfter) : undefined;
    if (ok) return { ok, statusCode: status, latencyMs: elapsed(), errorCode: null, error: null, responseExcerpt: outcome.excerpt, retryAfterMs, requestHeaders };
    const redirect = status >= 300 && status < 400;
    return {
      ok,
      statusCode: status,
      latencyMs: elapsed(),
      errorCode: redirect ? 'redirect_not_followed' : 'http_status',
      error: redirect ? `HTTP ${status}: redirect to ${outcome.location ?? '(no location)'} not followed` : `HTTP ${status}`,
      responseExcerpt: outcome.excerpt,
      retryAfterMs,
      requestHeaders,
    };
  }

  async close(): Promise<void> {
    clearInterval(this.#sweeper);
    await this.#agent.close();
  }

  #timeOutExpired(): void {
    const now = performance.now();
    // timeOut() settles the handler, which removes it from the set (deleting while iterating a Set is safe).
    for (const handler of this.#inFlight) if (handler.deadline <= now) handler.timeOut();
  }

  /** Endpoint URLs repeat for every message: parsed once (a bounded cache). */
  #parse(url: string): { protocol: string; origin: string; path: string } {
    let parsed = this.#urls.get(url);
    if (parsed === undefined) {
      const target = new URL(url);
      parsed = { protocol: target.protocol, origin: target.origin, path: `${target.pathname}${target.search}` };
      if (this.#urls.size >= 10_000) this.#urls.clear();
      this.#urls.set(url, parsed);
    }
    return parsed;
  }
}

/** How often requests past their timeout are ended: a few hundred in flight make each sweep cheap. */
const TIMEOUT_SWEEP_MS = 100;

function failure(errorCode: AttemptErrorCode, error: string, latencyMs: number, requestHeaders: string | null): AttemptResult {
  return { ok: false, statusCode: null, latencyMs, errorCode, error, responseExcerpt: null, retryAfterMs: undefined, requestHeaders };
}

function classify(error: Error): [AttemptErrorCode, string] {
  const root = (error as { cause?: unknown }).cause instanceof DestinationRefusedError ? (error as { cause: unknown }).cause : error;
  if (root instanceof DestinationRefusedError) return ['destination_refused', root.message];
  const code = (root as { code?: string }).code;
  const message = root instanceof Error ? root.message : String(root);
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return ['connect_timeout', message];
  if (root instanceof AttemptTimedOut || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') return ['timeout', 'no complete response within the timeout'];
  if (code === 'ECONNREFUSED') return ['connection_refused', message];
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE') return ['connection_reset', message];
  return ['network_error', code === undefined ? message : `${code}: ${message}`];
}
