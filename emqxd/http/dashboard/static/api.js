// The REST API from the browser: the login token kept for the tab, every call
// with it as a bearer, and a 401 (expired or revoked token) back to the login.
const KEY = "emqxd.login";

export function session() {
  const s = sessionStorage.getItem(KEY);
  return s ? JSON.parse(s) : null;
}

export function saveSession(username, token) {
  sessionStorage.setItem(KEY, JSON.stringify({ username, token }));
}

export function dropSession() {
  sessionStorage.removeItem(KEY);
}

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message || code || "HTTP " + status);
    this.status = status;
    this.code = code;
  }
}

// One call: the parsed JSON (or text for a non-JSON answer, null for 204).
// Throws ApiError with EMQX's code and message for any other status than 2xx.
export async function call(method, path, body) {
  const headers = {};
  const s = session();
  if (s) headers.Authorization = "Bearer " + s.token;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const r = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const type = r.headers.get("content-type") || "";
  const data = r.status === 204 ? null : type.includes("json") ? await r.json() : await r.text();
  if (r.ok) return data;
  const err = new ApiError(r.status, data && data.code, data && data.message);
  if (r.status === 401 && s && path !== "/api/v5/login") {
    dropSession();
    location.hash = "#/login";
  }
  throw err;
}

export const get = (path) => call("GET", path);

// The whole body as a Blob (a trace's zip), with the token.
export async function download(path) {
  const s = session();
  const r = await fetch(path, { headers: s ? { Authorization: "Bearer " + s.token } : {} });
  if (!r.ok) throw new ApiError(r.status, "", "HTTP " + r.status);
  return r.blob();
}

export const enc = encodeURIComponent;
