// The queue: every record is saved on the phone first (IndexedDB), with the UUID it was
// given when created, and uploaded later through the batch endpoints in chunks. Each item
// ends in the state the server's answer for it says; nothing is dropped, nothing doubled.
import { reactive } from "vue";
import { ApiError, NetworkError, call, currentSession, freshToken } from "./api.js";
import { itemsOf, putItem, putItems } from "./db.js";

export const STATES = {
  pending: "待上传",
  sending: "上传中",
  uploaded: "已上传",
  failed: "失败",
  conflict: "冲突",
};

const BATCH_PATHS = {
  activity: "/activities/activities/batch",
  consultation: "/consultations/consultations/batch",
};
const CREATES = Object.keys(BATCH_PATHS);
const MAX_BACKOFF_S = 300;
const SIGN_IN_AGAIN = ["invalid_grant", "token_reused", "account_disabled", "token_invalid"];

export const queue = reactive({
  items: [],
  flushing: false,
  lastFlush: null,
  attempts: 0,
  online: navigator.onLine,
  persisted: false,
  signInAgain: false,
});

let running = null;
let timer = null;

function owner() {
  return currentSession()?.account?.username;
}

export function chunkSize() {
  const asked = Number(localStorage.getItem("pufa-chunk"));
  return asked >= 1 && asked <= 500 ? asked : 100;
}

export async function reload() {
  queue.items = owner() ? await itemsOf(owner()) : [];
  return queue.items;
}

export async function save(item) {
  const now = new Date().toISOString();
  const stored = { owner: owner(), state: "pending", problem: null, created_at: now, ...item, updated_at: now };
  await putItem(stored);
  await reload();
  return stored;
}

async function store(items) {
  const now = new Date().toISOString();
  for (const item of items) item.updated_at = now;
  await putItems(items);
  await reload();
}

export function pendingCount() {
  return queue.items.filter((item) => item.state !== "uploaded").length;
}

function serverTime(date) {
  return date ? new Date(date).toISOString() : new Date().toISOString();
}

function recordPath(item) {
  const service = item.service === "consultations" ? "consultations/consultations" : "activities/activities";
  return `/${service}/${item.record_id || item.key}`;
}

async function serverCopy(item) {
  try {
    return (await call(recordPath(item))).json;
  } catch {
    return null;
  }
}

function problemOf(status, result) {
  const why = {
    invalid: "内容不合格，请按提示修改后重新上传",
    forbidden: "不在您的管辖范围内",
    refused: "该月份已关账，服务器拒收",
  };
  return { status, message: why[status] || status, detail: result.message || "", fields: result.fields || null };
}

async function answerBatch(items, results, date) {
  for (const item of items) {
    const result = results.find((r) => r.id === item.key) || { status: "invalid", message: "没有回执" };
    if (result.status === "created" || result.status === "duplicate") {
      item.state = "uploaded";
      item.problem = null;
      item.receipt = { at: serverTime(date), id: result.id, duplicate: result.status === "duplicate" };
      item.version = item.version || 1;
    } else if (result.status === "conflict") {
      item.state = "conflict";
      item.problem = { status: "conflict", message: "服务器上已有同一编号、内容不同的记录" };
      item.server = await serverCopy(item);
    } else {
      item.state = "failed";
      item.problem = problemOf(result.status, result);
    }
  }
}

async function sendCreates(kind, items) {
  const size = chunkSize();
  for (let start = 0; start < items.length; start += size) {
    const chunk = items.slice(start, start + size);
    for (const item of chunk) item.state = "sending";
    await store(chunk);
    try {
      const answer = await call(BATCH_PATHS[kind], {
        method: "POST",
        body: { items: chunk.map((item) => ({ kind, data: { id: item.key, ...item.data } })) },
      });
      await answerBatch(chunk, answer.json.results, answer.date);
    } catch (error) {
      for (const item of chunk) item.state = "pending";
      await store(chunk);
      throw error;
    }
    await store(chunk);
  }
}

function singleProblem(error) {
  if (error.status === 409 && error.code === "period_closed") return ["failed", problemOf("refused", error)];
  if (error.status === 409) return ["conflict", { status: "conflict", message: "服务器上的版本已变，或同一编号内容不同" }];
  if (error.status === 422) return ["failed", problemOf("invalid", error)];
  if (error.status === 403) return ["failed", problemOf("forbidden", error)];
  return ["failed", { status: error.code, message: error.message }];
}

const SINGLE = {
  checkin: (item) => [`/activities/activities/${item.record_id}/checkins`, "POST", { id: item.key, ...item.data }],
  correction: (item) => [recordPath(item), "PUT", item.data],
  void: (item) => [`${recordPath(item)}/void`, "POST", item.data],
  mediation: (item) => [`${recordPath(item)}/mediation`, "POST", item.data],
};

async function sendOne(item) {
  const [path, method, body] = SINGLE[item.kind](item);
  item.state = "sending";
  await store([item]);
  try {
    const answer = await call(path, { method, body });
    item.state = "uploaded";
    item.problem = null;
    item.receipt = { at: serverTime(answer.date), id: answer.json.id, version: answer.json.version };
    const target = queue.items.find((other) => other.key === item.record_id);
    if (target && answer.json.version) {
      target.version = answer.json.version;
      await store([target]);
    }
    if (answer.json.version) await rebase(item, answer.json.version);
  } catch (error) {
    if (!(error instanceof ApiError)) {
      item.state = "pending";
      await store([item]);
      throw error;
    }
    [item.state, item.problem] = singleProblem(error);
    if (item.state === "conflict" && item.kind !== "checkin") item.server = await serverCopy(item);
  }
  await store([item]);
}

// Changes of a record that carry the version they were read at.
const VERSIONED = ["correction", "void", "mediation"];

// A later change of the same record, made on this phone before the earlier one reached the
// server, read the same version: it follows our own change, not someone else's, so it is
// sent on top of the version the earlier one made (a correction then a void, offline).
async function rebase(sent, version) {
  const later = queue.items.filter(
    (other) =>
      other !== sent &&
      other.record_id === sent.record_id &&
      other.state === "pending" &&
      VERSIONED.includes(other.kind) &&
      other.data.version === version - 1,
  );
  for (const other of later) other.data = { ...other.data, version };
  if (later.length) await store(later);
}

function ready(item) {
  if (item.state !== "pending") return false;
  if (!SINGLE[item.kind]) return true;
  const target = queue.items.find((other) => other.key === item.record_id);
  return !target || target.state === "uploaded";
}

async function flushOnce() {
  await reload();
  const stale = queue.items.filter((item) => item.state === "sending");
  for (const item of stale) item.state = "pending"; // a reload cut an upload short
  if (stale.length) await store(stale);
  if (!queue.items.some(ready)) return;
  await freshToken(); // refreshed before uploading, however long the phone was offline
  for (const kind of CREATES) {
    const items = queue.items.filter((item) => item.kind === kind && item.state === "pending");
    if (items.length) await sendCreates(kind, items);
  }
  // Check-ins and changes, once the record they belong to is on the server; a few at a time.
  const round = queue.items.filter((item) => SINGLE[item.kind] && ready(item));
  const checkins = round.filter((item) => item.kind === "checkin");
  for (let start = 0; start < checkins.length; start += 4) {
    await Promise.all(checkins.slice(start, start + 4).map(sendOne));
  }
  // One at a time, in the order they were made, each read afresh: sending one may rebase
  // the next (and every store reloads the queue's items).
  for (const { key } of round.filter((other) => other.kind !== "checkin")) {
    const item = queue.items.find((other) => other.key === key);
    if (item && ready(item)) await sendOne(item);
  }
}

function schedule() {
  clearTimeout(timer);
  if (!queue.items.some(ready)) return;
  // Exponential backoff with jitter: many phones coming back online do not all knock at once.
  const base = Math.min(MAX_BACKOFF_S, 5 * 2 ** queue.attempts);
  timer = setTimeout(() => flush("timer"), base * (0.5 + Math.random()) * 1000);
}

async function attempt(reason) {
  try {
    if (!owner()) return;
    if (!navigator.onLine) throw new NetworkError("离线");
    await flushOnce();
    queue.attempts = 0;
    queue.lastFlush = { at: new Date().toISOString(), reason, ok: true };
  } catch (error) {
    // The refresh token is spent, revoked or past its life: log in again; the queue stays.
    if (error instanceof ApiError && SIGN_IN_AGAIN.includes(error.code)) queue.signInAgain = true;
    queue.attempts = Math.min(queue.attempts + 1, 8);
    queue.lastFlush = { at: new Date().toISOString(), reason, ok: false, message: error.message };
  }
}

export function flush(reason = "button") {
  if (running) return running;
  queue.flushing = true;
  // Cleared once settled: an attempt that fails at once (offline) must not leave it set.
  running = attempt(reason).finally(async () => {
    running = null;
    queue.flushing = false;
    await reload();
    schedule();
  });
  return running;
}

let triggered = false;

export function startTriggers() {
  if (triggered) return flush("login"); // signed in again: the listeners are in place
  triggered = true;
  window.addEventListener("online", () => {
    queue.online = true;
    queue.attempts = 0;
    flush("online");
  });
  window.addEventListener("offline", () => {
    queue.online = false;
  });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") flush("visible");
  });
  flush("load");
}

export async function exportQueue() {
  const items = (await reload()).filter((item) => item.state !== "uploaded");
  return JSON.stringify({ format: "pufa-queue", version: 1, owner: owner(), exported_at: new Date().toISOString(), items }, null, 1);
}

export async function importQueue(text) {
  const parsed = JSON.parse(text);
  if (parsed.format !== "pufa-queue" || !Array.isArray(parsed.items)) throw new Error("不是普法随手记导出的队列文件");
  // Records are checked against the uploader's scope: another account's would all be refused.
  if (parsed.owner !== owner()) throw new Error(`这是账号 ${parsed.owner} 导出的队列，请用该账号登录后导入`);
  const known = new Set(queue.items.map((item) => item.key));
  // The same UUIDs: a record sent from both phones is a duplicate on the server, not two.
  const fresh = parsed.items
    .filter((item) => !known.has(item.key))
    .map((item) => ({ ...item, owner: owner(), state: item.state === "sending" ? "pending" : item.state }));
  await store(fresh);
  return fresh.length;
}
