// Talking to the gateway as the console's one signed-in user: the password grant, the
// refresh token kept (so a reload stays signed in) and rotated one refresh at a time (a
// refresh token used twice revokes its whole family), and calls that carry a fresh access
// token. An error keeps the server's shape: {status, code, message, fields}.
import { reactive } from "vue";

const STORED = "pufa-console-session";
const EARLY = 60; // refresh this many seconds before the access token expires

export class ApiError extends Error {
  constructor(status, body) {
    const error = (body && body.error) || {};
    super(error.message || `服务器答复 HTTP ${status}`);
    this.status = status;
    this.code = error.code || "http_error";
    this.fields = error.fields || null;
    this.current = error.current || null; // a stale write's record as it is now
  }
}

// The signed-in account ({id, username, display_name, role, scope, must_change_password})
// or null; components read it reactively.
export const session = reactive({ account: null, access_token: null, refresh_token: null });

function remember() {
  if (session.refresh_token) {
    localStorage.setItem(
      STORED,
      JSON.stringify({
        account: session.account,
        access_token: session.access_token,
        refresh_token: session.refresh_token,
      }),
    );
  } else {
    localStorage.removeItem(STORED);
  }
}

export function restoreSession() {
  try {
    Object.assign(session, JSON.parse(localStorage.getItem(STORED)) || {});
  } catch {
    localStorage.removeItem(STORED);
  }
  return session.account;
}

function forget() {
  Object.assign(session, { account: null, access_token: null, refresh_token: null });
  remember();
}

function expiresAt(token) {
  try {
    const payload = JSON.parse(atob(token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
    return payload.exp || 0;
  } catch {
    return 0;
  }
}

async function send(path, { method = "GET", body, token, accept = "application/json" } = {}) {
  const headers = { Accept: accept };
  const form = body instanceof FormData; // a file upload: the browser sets its own type
  if (body !== undefined && !form) headers["Content-Type"] = "application/json";
  if (token) headers.Authorization = `Bearer ${token}`;
  let answer;
  try {
    answer = await fetch(path.startsWith("/api/") ? path : `/api/v1${path}`, {
      method,
      headers,
      body: body === undefined || form ? body : JSON.stringify(body),
      cache: "no-store",
    });
  } catch (error) {
    throw new ApiError(0, { error: { code: "network", message: `无法连接服务器（${error.message}）` } });
  }
  if (accept !== "application/json" && answer.ok) return answer;
  const text = await answer.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!answer.ok) throw new ApiError(answer.status, json);
  return json;
}

async function keep(pair) {
  session.access_token = pair.access_token;
  session.refresh_token = pair.refresh_token;
  session.account = await send("/me", { token: pair.access_token });
  remember();
  return session.account;
}

export async function logIn(username, password) {
  const pair = await send("/auth/token", {
    method: "POST",
    body: { grant_type: "password", username, password },
  });
  return keep(pair);
}

let refreshing = null;

// One rotation at a time across the browser's tabs (they share the stored refresh token):
// inside the lock, a token another tab has already rotated is adopted, not spent again.
function oneAtATime(work) {
  return navigator.locks ? navigator.locks.request("pufa-console-refresh", work) : work();
}

async function rotate() {
  const stored = JSON.parse(localStorage.getItem(STORED) || "null");
  if (stored && stored.refresh_token !== session.refresh_token && expiresAt(stored.access_token) - Date.now() / 1000 >= EARLY) {
    Object.assign(session, stored);
    return session.account;
  }
  const pair = await send("/auth/token", {
    method: "POST",
    body: { grant_type: "refresh_token", refresh_token: session.refresh_token },
  });
  return keep(pair);
}

async function refresh() {
  if (!refreshing) {
    refreshing = oneAtATime(rotate)
      .catch((error) => {
        if (error.status === 401) forget();
        throw error;
      })
      .finally(() => {
        refreshing = null;
      });
  }
  return refreshing;
}

async function freshToken() {
  if (!session.refresh_token) throw new ApiError(401, { error: { code: "token_missing", message: "请先登录" } });
  if (expiresAt(session.access_token) - Date.now() / 1000 < EARLY) await refresh();
  return session.access_token;
}

// A call with the session's token: `path` is under /api/v1 (or a whole /api/... path, as
// a figure's `records` link is). Answers JSON, or the Response when `accept` is another type.
export async function call(path, options = {}) {
  const token = await freshToken();
  try {
    return await send(path, { ...options, token });
  } catch (error) {
    if (error.code !== "token_expired") {
      if (error.status === 401) forget();
      throw error;
    }
    await refresh();
    return send(path, { ...options, token: session.access_token });
  }
}

// Change one's own password: the server ends every session, so sign in again with it.
export async function changePassword(currentPassword, newPassword) {
  await call("/auth/password", {
    method: "POST",
    body: { current_password: currentPassword, password: newPassword },
  });
  return logIn(session.account.username, newPassword);
}

export async function logOut() {
  const spent = session.refresh_token;
  forget();
  if (spent) {
    try {
      await send("/auth/logout", { method: "POST", body: { refresh_token: spent } });
    } catch {
      // The refresh token lapses on its own; this browser has forgotten it.
    }
  }
}

// A file from the API (an xlsx, a docx) saved under `filename`.
export async function download(path, filename) {
  const answer = await call(path, { accept: "*/*" });
  const url = URL.createObjectURL(await answer.blob());
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

// What to show for an error: the server's Chinese message, or why it could not be reached.
export function problem(error) {
  if (error instanceof ApiError) {
    if (error.status === 404) return "暂不可用（服务器尚无此功能）";
    return error.message;
  }
  return String(error?.message || error);
}

// A page's loads that may overlap (a date typed, then another): each `begin()` starts a
// load and returns `current()`, true only while no later load has begun, so an answer
// that arrives after a later request is dropped rather than shown under it.
export function latestLoads() {
  let started = 0;
  return {
    begin() {
      const mine = (started += 1);
      return () => mine === started;
    },
  };
}
