// Talking to the gateway: the password grant, the refresh token rotated (one refresh at a
// time: a refresh token used twice revokes the whole family), and calls that carry a fresh
// access token. An error answer keeps the server's shape: {status, code, message, fields}.
import { readSession, writeSession } from "./db.js";

const EARLY = 60; // refresh this many seconds before the access token expires
// A request that hangs (one bar of signal, a proxy that never answers) gives up after this
// long, so a flush never waits forever: the item goes back to 待上传 and is sent again.
const REQUEST_TIMEOUT_MS = 60000;

// A request the network swallows is given up after this long, so that a hung upload
// never holds the queue; localStorage "pufa-timeout-ms" shortens it (tests, slow-link trials).
function requestTimeout() {
  const asked = Number(localStorage.getItem("pufa-timeout-ms"));
  return asked >= 100 && asked <= REQUEST_TIMEOUT_MS ? asked : REQUEST_TIMEOUT_MS;
}

export class ApiError extends Error {
  constructor(status, body) {
    const error = (body && body.error) || {};
    super(error.message || `HTTP ${status}`);
    this.status = status;
    this.code = error.code || "http_error";
    this.fields = error.fields || null;
  }
}

export class NetworkError extends Error {}

let session = null;
let refreshing = null;

export async function loadSession() {
  session = (await readSession()) || null;
  return session;
}

export function currentSession() {
  return session;
}

function expiresAt(token) {
  try {
    const payload = JSON.parse(atob(token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
    return payload.exp || 0;
  } catch {
    return 0;
  }
}

async function send(path, { method = "GET", body, token } = {}) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (token) headers.Authorization = `Bearer ${token}`;
  let answer;
  try {
    answer = await fetch(`/api/v1${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: "no-store",
      signal: AbortSignal.timeout(requestTimeout()),
    });
  } catch (error) {
    if (error.name === "TimeoutError") throw new NetworkError("网络超时");
    throw new NetworkError(`网络不通（${error.message}）`);
  }
  const text = await answer.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!answer.ok) throw new ApiError(answer.status, json);
  return { json, status: answer.status, date: answer.headers.get("Date") };
}

async function keep(pair, account) {
  session = {
    access_token: pair.access_token,
    refresh_token: pair.refresh_token,
    account: account || session.account,
    refreshed_at: new Date().toISOString(),
  };
  await writeSession(session);
  return session;
}

export async function logIn(username, password) {
  const { json: pair } = await send("/auth/token", {
    method: "POST",
    body: { grant_type: "password", username, password },
  });
  const { json: account } = await send("/me", { token: pair.access_token });
  return keep(pair, account);
}

export async function refresh() {
  if (!refreshing) {
    refreshing = (async () => {
      const { json: pair } = await send("/auth/token", {
        method: "POST",
        body: { grant_type: "refresh_token", refresh_token: session.refresh_token },
      });
      return keep(pair);
    })().finally(() => {
      refreshing = null;
    });
  }
  return refreshing;
}

export async function freshToken() {
  if (!session) throw new ApiError(401, { error: { code: "token_missing", message: "请先登录" } });
  if (expiresAt(session.access_token) - Date.now() / 1000 < EARLY) await refresh();
  return session.access_token;
}

export async function call(path, options = {}) {
  const token = await freshToken();
  try {
    return await send(path, { ...options, token });
  } catch (error) {
    if (!(error instanceof ApiError) || error.code !== "token_expired") throw error;
    await refresh();
    return send(path, { ...options, token: session.access_token });
  }
}

// Change one's own password (a reset one must be changed before anything else): the
// server ends every session of the account, so sign in again with the new one.
export async function changePassword(currentPassword, newPassword) {
  await call("/auth/password", {
    method: "POST",
    body: { current_password: currentPassword, password: newPassword },
  });
  return logIn(session.account.username, newPassword);
}

export async function logOut() {
  const spent = session;
  session = null;
  await writeSession(null);
  if (spent) {
    try {
      await send("/auth/logout", { method: "POST", body: { refresh_token: spent.refresh_token } });
    } catch {
      // Offline: the refresh token lapses on its own; the phone has forgotten it.
    }
  }
}
