// The console's client for the Warden query API (same origin, Bearer API key kept in sessionStorage).
import { inert } from './inert.js';

const STORAGE_KEY = 'warden.console.apiKey';

export const getKey = () => sessionStorage.getItem(STORAGE_KEY);
export const setKey = (key) => sessionStorage.setItem(STORAGE_KEY, key);
export const clearKey = () => sessionStorage.removeItem(STORAGE_KEY);

/** A non-2xx answer; `problem` is the RFC 9457 body when the API sent one. */
export class ApiError extends Error {
  constructor(status, problem, headers) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem && typeof problem === 'object' ? problem : null;
    this.requestId = this.problem?.request_id || headers?.get('x-request-id') || null;
    this.retryAfter = headers?.get('retry-after') || null;
  }

  /** One line for the analyst: title, detail, field errors and the request id to quote to an admin. */
  describe() {
    const p = this.problem;
    const parts = [];
    if (this.status === 429) parts.push(`Too many requests; retry in ${this.retryAfter || 'a few'} seconds.`);
    if (p?.title && p.detail) parts.push(`${p.title}: ${p.detail}`);
    else parts.push(p?.detail || p?.title || `The API answered HTTP ${this.status}.`);
    // A detail can quote what was sent (an id, a field): shown inert like all telemetry.
    return inert(parts.join(' '));
  }

  /** `[{path, message}]` from the problem body. */
  fieldErrors() {
    return Array.isArray(this.problem?.errors) ? this.problem.errors : [];
  }
}

/** GET (or POST with a JSON `body`) `path` on the API; resolves to the parsed JSON, throws {@link ApiError}. */
export async function request(path, { method = 'GET', body, key = getKey(), query } = {}) {
  let url = path;
  if (query) {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') qs.set(k, v);
    const s = qs.toString();
    if (s) url += `?${s}`;
  }
  const headers = { accept: 'application/json' };
  if (key) headers.authorization = `Bearer ${key}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(url, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: 'no-store',
    credentials: 'omit',
  });
  const type = res.headers.get('content-type') || '';
  const data = type.includes('json') ? await res.json().catch(() => null) : null;
  if (!res.ok) throw new ApiError(res.status, data, res.headers);
  return data;
}

export const enc = encodeURIComponent;
