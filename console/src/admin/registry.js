// What the admin pages share: the registry's names (townships, advisors) read once and
// kept, today's date in county time, and a refusal as the server worded it.
import { reactive } from "vue";
import { ApiError, call } from "../api.js";
import "./admin.css";

export const LANGUAGE_NAMES = { ug: "维吾尔语", zh: "汉语", kk: "哈萨克语", ky: "柯尔克孜语", ru: "俄语", en: "英语" };

// The county's townships (code, name, number of villages), asked once per page load.
export const tree = reactive({ townships: [], loaded: null });

export function loadTownships() {
  if (!tree.loaded) {
    tree.loaded = call("/registry/townships").then((townships) => {
      tree.townships = townships;
      return townships;
    });
    tree.loaded.catch(() => (tree.loaded = null));
  }
  return tree.loaded;
}

export function townshipName(code) {
  return tree.townships.find((t) => t.code === code)?.name || code;
}

// Today in county time (Asia/Shanghai), as YYYY-MM-DD.
export function countyToday() {
  return new Intl.DateTimeFormat("sv-SE", { timeZone: "Asia/Shanghai" }).format(new Date());
}

// A moment answered in RFC 3339 shown as county time "YYYY-MM-DD HH:MM", or "—".
export function moment(value) {
  if (!value) return "—";
  return new Intl.DateTimeFormat("sv-SE", { timeZone: "Asia/Shanghai", dateStyle: "short", timeStyle: "short" }).format(new Date(value));
}

// A refusal shown where it happened: the server's message and its words on each field.
export function refusal() {
  return reactive({ message: "", fields: {}, code: "", status: 0 });
}

export function clear(target) {
  Object.assign(target, { message: "", fields: {}, code: "", status: 0 });
}

export function refuse(target, error) {
  const api = error instanceof ApiError;
  Object.assign(target, {
    message: api ? error.message : String(error?.message || error),
    fields: (api && error.fields) || {},
    code: api ? error.code : "",
    status: api ? error.status : 0,
  });
}

// The server's words on one field (any of its names: the API's and the stored one).
export function said(target, ...names) {
  return names.flatMap((name) => target.fields[name] || []).join("；");
}

export async function searchAdvisors(text) {
  const query = new URLSearchParams({ active: "true" });
  if (text) query.set("q", text);
  return call(`/registry/advisors?${query}`);
}
