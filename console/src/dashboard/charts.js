// The dashboard's chart options (ECharts' own format), built from the figures API's rows;
// drawn by canvas.js.
export const PALETTE = ["#b71c1c", "#1565c0", "#2e7d32", "#ef6c00", "#6a1b9a", "#00838f", "#ad1457", "#4e342e", "#546e7a", "#9e9d24", "#283593", "#558b2f", "#d84315", "#37474f"];

// A figure row's bar or slice: its value, the "<5" of a suppressed cell kept beside it.
export function datum(row, name = row.breakdown_name) {
  const suppressed = Boolean(row.suppressed) || row.value === null;
  return { name, value: suppressed ? 0 : row.value, shown: suppressed ? row.shown || "<5" : String(row.value), suppressed, records: row.records };
}

function shownLabel(params) {
  return params.data?.shown ?? String(params.value);
}

// Tooltips are drawn on the canvas as text (renderMode richText), not as HTML: no markup
// of names from the registry or the records, and no inline style the page's policy refuses.
export const TOOLTIP = { renderMode: "richText", confine: true };

export function barOption(rows, { horizontal = false, seriesName = "", nameOf = (row) => row.breakdown_name, color = PALETTE[0] } = {}) {
  const data = rows.map((row) => datum(row, nameOf(row)));
  const names = data.map((d) => d.name);
  const category = { type: "category", data: names, axisLabel: { interval: 0, fontSize: 12 } };
  const value = { type: "value" };
  return {
    color: [color],
    tooltip: { ...TOOLTIP, trigger: "item", formatter: (p) => `${p.name}\n${seriesName}：${shownLabel(p)}` },
    grid: { left: horizontal ? 110 : 48, right: 48, top: 16, bottom: horizontal ? 24 : 64, containLabel: false },
    xAxis: horizontal ? value : { ...category, axisLabel: { ...category.axisLabel, rotate: names.length > 6 ? 30 : 0 } },
    yAxis: horizontal ? { ...category, inverse: true } : value,
    series: [{ type: "bar", name: seriesName, data, label: { show: true, position: horizontal ? "right" : "top", formatter: shownLabel }, barMaxWidth: 28 }],
  };
}

export function pieOption(rows, { seriesName = "" } = {}) {
  return {
    color: PALETTE,
    tooltip: { ...TOOLTIP, trigger: "item", formatter: (p) => `${p.name}：${shownLabel(p)}（${p.percent}%）` },
    legend: { type: "scroll", orient: "vertical", right: 0, top: "middle" },
    series: [
      {
        type: "pie",
        name: seriesName,
        radius: ["38%", "68%"],
        center: ["38%", "50%"],
        data: rows.map((row) => datum(row)),
        label: { formatter: (p) => `${p.name}\n${shownLabel(p)}` },
      },
    ],
  };
}
