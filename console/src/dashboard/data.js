// What the dashboard reads from the API, and how a figure is put on the page: its number
// (a suppressed small cell stays "<5"), its records link, its xlsx.
import { ApiError, call } from "../api.js";

// The headline metrics of the year summary (services/stats/catalogue.py), in the order
// leaders read them, with the unit each is said in and the source whose freshness it has.
export const HEADLINES = [
  { metric: "sessions", label: "普法活动", unit: "场次", source: "activities" },
  { metric: "attendances", label: "覆盖", unit: "人次", source: "activities", sums: "attendances" },
  { metric: "people", label: "覆盖人数", unit: "人", source: "activities" },
  { metric: "consultations", label: "法律咨询", unit: "件次", source: "consultations" },
  { metric: "advisors", label: "法律顾问", unit: "名", source: "registry" },
  { metric: "coverage", label: "村(社区)覆盖率", unit: "%", source: "registry" },
  { metric: "cadre_sessions", label: "法治讲堂·逢九必讲", unit: "期", source: "activities" },
  { metric: "cadre_attendances", label: "法治讲堂·逢九必讲", unit: "人次", source: "activities", sums: "attendances" },
  { metric: "online_reach", label: "新媒体", unit: "浏览量", source: "activities", sums: "online_reach" },
];

// What a metric adds up over its records (none: it counts them), as the catalogue says.
export const SUMS = {
  attendances: "attendances",
  cadre_attendances: "attendances",
  online_reach: "online_reach",
  checkins: "checkins",
};

export const SOURCES = { activities: "普法活动", consultations: "法律咨询", registry: "派驻名册" };

// A figure's number as the page shows it: "<5" for a suppressed cell, else the count.
export function shown(row) {
  if (!row) return "—";
  if (row.suppressed || row.value === null || row.value === undefined) return row.shown || "<5";
  return row.value.toLocaleString("zh-CN");
}

export function figureValue(row) {
  return row && !row.suppressed && row.value !== null && row.value !== undefined ? row.value : null;
}

function query(parameters) {
  return new URLSearchParams(Object.entries(parameters).filter(([, v]) => v !== undefined && v !== null)).toString();
}

// Each chart's data request: the same path with `&format=xlsx` is its Excel file.
export const requests = {
  summary: (year) => `/stats/summary?${query({ year })}`,
  freshness: () => "/stats/freshness",
  trend: (metric, year) => `/stats/trend?${query({ metric, year })}`,
  ranking: (metric, year) => `/stats/ranking?${query({ metric, period: year })}`,
  breakdown: (metric, period, by, area = "county") => `/stats/figures?${query({ metric, period, area, by })}`,
  reach: (year) => `/activities/reach?${query({ year })}`,
  report: (year) => `/stats/report?${query({ year })}`,
  reportDocx: (year) => `/stats/report.docx?${query({ year })}`,
  quietVillages: (year, months) => `/stats/quiet-villages?${query({ year, months })}`,
  publication: (year) => `/stats/publications/latest?${query({ year })}`,
  villages: () => "/registry/villages",
  townships: () => "/registry/townships",
};

export function xlsx(path) {
  return `${path}${path.includes("?") ? "&" : "?"}format=xlsx`;
}

// A read that may not exist yet on this server (404 or 405): null, not an error.
export async function optional(path) {
  try {
    return await call(path);
  } catch (error) {
    if (error instanceof ApiError && (error.status === 404 || error.status === 405)) return null;
    throw error;
  }
}

// How fresh a source's figures are, said plainly.
export function freshnessText(report, source) {
  const state = report?.[source];
  if (!state) return "更新情况未知";
  if (state.last_sync_seconds_ago === null) return "尚未同步";
  if (state.entries_behind > 0) return `${state.entries_behind} 条尚未计入 · 落后${Math.round(state.seconds_behind)}秒`;
  return `已全部计入 · ${Math.round(state.last_sync_seconds_ago)}秒前同步`;
}
