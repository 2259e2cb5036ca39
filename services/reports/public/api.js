/** The reports API as the panel uses it: the API key as a Bearer token, errors as ApiError. */
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

  async #request(method, path, params) {
    const query = toQuery(params);
    const response = await fetch(`${path}${query === '' ? '' : `?${query}`}`, {
      method,
      headers: { authorization: `Bearer ${this.#key}`, accept: 'application/json' },
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw new ApiError(response.status, body);
    return body;
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
