// Which screen is shown, the cached look-ups, and short notices: the app's shared state.
import { reactive } from "vue";
import { call } from "./api.js";
import { cached, remember } from "./db.js";

export const ui = reactive({ screen: "home", params: {}, notice: "", noticeKind: "info" });

let noticeTimer = null;

export function go(screen, params = {}) {
  ui.screen = screen;
  ui.params = params;
  window.scrollTo(0, 0);
}

export function notify(text, kind = "info") {
  ui.notice = text;
  ui.noticeKind = kind;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => (ui.notice = ""), 6000);
}

// A look-up read from the network when it answers and kept on the phone for when it does not.
export async function lookup(key, path) {
  try {
    const { json } = await call(path);
    await remember(key, json);
    return json;
  } catch (error) {
    const kept = await cached(key);
    if (kept !== undefined) return kept;
    throw error;
  }
}

export const CONSULTATION = {
  // The consultations service's lists (services/consultations/schemas.py); no endpoint serves them.
  channels: ["面谈", "电话", "微信", "上门走访", "公共法律服务站/室"],
  categories: ["婚恋", "家庭", "邻里", "土地承包", "劳动报酬", "合同借贷", "人身损害", "行政争议", "其他"],
  outcomes: ["当场解答", "转人民调解", "转法律援助", "引导诉讼", "转有关部门", "其他"],
};

export function newId() {
  return crypto.randomUUID();
}

export function shortTime(iso) {
  if (!iso) return "";
  const date = new Date(iso);
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}
