/** The reports API (and the webhook API through /webhook-api) as the panel uses it: the API key as a Bearer token, errors as ApiError. */
export class ApiError extends Error {
  constructor(status, body) {
    const error = body?.error ?? {};
    super(error.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = error.code ?? 'HTTP_ERROR';
    this.field = error.field;
  }
}

export class Api {
  #key;

  constructor(key) {
    this.#key = key;
  }

  get(path, params = {}) {
    return this.#request('GET', path, params);
  }

  post(path, params = {}) {
    return this.#request('POST', path, params);
  }

  /**
   * A JSON body (the webhook API's changes). Every POST and PUT carries a fresh Idempotency-Key: one
   * per user action, so a request retried by the browser or a double click is not done twice.
   */
  send(method, path, body = undefined) {
    const headers = body === undefined ? {} : { 'content-type': 'application/json' };
    if (method === 'POST' || method === 'PUT') headers['idempotency-key'] = crypto.randomUUID();
    return this.#request(method, path, {}, headers, body === undefined ? undefined : JSON.stringify(body));
  }

  async #request(method, path, params, extraHeaders = {}, body = undefined) {
    const query = toQuery(params);
    const response = await fetch(`${path}${query === '' ? '' : `?${query}`}`, {
      method,
      headers: { authorization: `Bearer ${this.#key}`, accept: 'application/json', ...extraHeaders },
      ...(body === undefined ? {} : { body }),
    });
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) throw new ApiError(response.status, answer);
    return answer;
  }
}

/** Parameters to a query string; lists are comma-separated, empty values left out. */
export function toQuery(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) {
      if (value.length > 0) search.set(name, value.join(','));
    } else search.set(name, String(value));
  }
  return search.toString();
}
