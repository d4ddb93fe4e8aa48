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
  advisors: () => "/registry/advisors",
};

// The year a dashboard address asks for (?year=), else this year.
export function yearOf(query) {
  return /^\d{4}$/.test(query.year || "") ? query.year : String(new Date().getFullYear());
}

// Each chart's read: the metrics it may show (the first is drawn when the page opens) and its
// request for a metric, a year and (the village chart) a village.
export const CHART_READS = {
  trend: { metrics: ["sessions", "attendances", "consultations"], request: (metric, year) => requests.trend(metric, year) },
  ranking: { metrics: ["sessions", "attendances", "consultations"], request: (metric, year) => requests.ranking(metric, year) },
  type: { metrics: ["sessions", "attendances"], request: (metric, year) => requests.breakdown(metric, year, "type") },
  organiser: { metrics: ["sessions", "attendances"], request: (metric, year) => requests.breakdown(metric, year, "organiser") },
  audience: { metrics: ["sessions", "attendances"], request: (metric, year) => requests.breakdown(metric, year, "audience") },
  category: { metrics: ["consultations"], request: (metric, year) => requests.breakdown(metric, year, "category") },
  channel: { metrics: ["consultations"], request: (metric, year) => requests.breakdown(metric, year, "channel") },
  outcome: { metrics: ["consultations"], request: (metric, year) => requests.breakdown(metric, year, "outcome") },
  village: { metrics: ["consultations"], request: (metric, year, village) => requests.breakdown(metric, year, "category", `village:${village}`) },
  advisor: { metrics: ["consultations"], request: (metric, year) => requests.breakdown(metric, year, "advisor_id") },
};
export const QUIET_MONTHS = 3; // the quiet villages' months when the page opens

// What the dashboard reads when it opens on `year`, all at once; the village chart, which
// needs the villages with consultations first, is read once they are in.
export function openingReads(year) {
  const charts = Object.entries(CHART_READS).filter(([name]) => name !== "village");
  return [
    requests.summary(year),
    requests.freshness(),
    requests.townships(),
    requests.villages(),
    requests.advisors(),
    requests.quietVillages(year, QUIET_MONTHS),
    requests.breakdown("consultations", year, "village"),
    ...charts.map(([, chart]) => chart.request(chart.metrics[0], year)),
    requests.reach(year),
    requests.report(year),
    requests.publication(year),
  ];
}

// Reads started before the page that makes them is there: the router starts the dashboard's
// opening reads as soon as it knows the dashboard is next, so they travel while the page's
// script is fetched and its components mount (a few hundred ms on a desk PC); the page then
// takes each answer once, by its path, instead of asking again. One not taken soon is dropped.
const early = new Map(); // path -> {answer, at}
const EARLY_FOR = 10_000; // ms

export function readEarly(paths) {
  const at = Date.now();
  for (const path of paths) {
    const answer = call(path);
    answer.catch(() => {}); // the page that takes it sees its error
    early.set(path, { answer, at });
  }
}

// A read of `path`: the answer started early for it if there is one (taken once), else a call.
export function read(path) {
  const kept = early.get(path);
  early.delete(path);
  return kept && Date.now() - kept.at < EARLY_FOR ? kept.answer : call(path);
}

export function xlsx(path) {
  return `${path}${path.includes("?") ? "&" : "?"}format=xlsx`;
}

// A read that may not exist yet on this server (404 or 405): null, not an error.
export async function optional(path) {
  try {
    return await read(path);
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
