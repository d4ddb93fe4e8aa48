// ECharts, only the parts the dashboard draws (bars, lines, pies on a canvas), in Chinese.
// Loaded by import() when the first chart mounts, not with the page's script: the page
// asks for its figures while this half megabyte of script is still being read.
import * as echarts from "echarts/core";
import { BarChart, LineChart, PieChart } from "echarts/charts";
import { DataZoomComponent, GridComponent, LegendComponent, TooltipComponent } from "echarts/components";
import { CanvasRenderer } from "echarts/renderers";

echarts.use([BarChart, LineChart, PieChart, GridComponent, LegendComponent, TooltipComponent, DataZoomComponent, CanvasRenderer]);

// The page's charts can be read as ECharts reads them (tests and a curious admin's
// devtools: `echarts.getInstanceByDom(element).getOption()`), never from pixels.
globalThis.echarts = { getInstanceByDom: echarts.getInstanceByDom };

export function drawChart(element) {
  return echarts.init(element, null, { renderer: "canvas", locale: "ZH" });
}
