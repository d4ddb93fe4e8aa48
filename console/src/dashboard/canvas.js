// ECharts, only the parts the dashboard draws (bars and pies on a canvas, the advisors' slider),
// in Chinese.
// Loaded by import() as the router enters the dashboard (router.js), beside its figures, not
// with the console's script: pages without charts never read this half megabyte.
import * as echarts from "echarts/core";
import { BarChart, PieChart } from "echarts/charts";
import { DataZoomSliderComponent, GridComponent, LegendComponent, TooltipComponent } from "echarts/components";
import { CanvasRenderer } from "echarts/renderers";

echarts.use([BarChart, PieChart, GridComponent, LegendComponent, TooltipComponent, DataZoomSliderComponent, CanvasRenderer]);

// The page's charts can be read as ECharts reads them (tests and a curious admin's
// devtools: `echarts.getInstanceByDom(element).getOption()`), never from pixels.
globalThis.echarts = { getInstanceByDom: echarts.getInstanceByDom };

export function drawChart(element) {
  return echarts.init(element, null, { renderer: "canvas", locale: "ZH" });
}
