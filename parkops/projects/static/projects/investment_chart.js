// The project page's investment chart: each month's completed investment
// (bars), the year to date (line) and the plan's pace, month/12 of the plan
// (dashed line). The numbers come from the page (json_script), already in the
// unit the page names (万元 or 亿元); the table beside the chart links to the
// entries they come from.
(function () {
  function numbers(values) {
    return values.map(function (value) {
      return value === null ? null : Number(value);
    });
  }

  function draw(box) {
    var source = document.getElementById(box.dataset.source);
    if (!source || typeof echarts === "undefined") return;
    var data = JSON.parse(source.textContent);
    var months = [];
    for (var m = 1; m <= 12; m++) months.push(String(m));
    var series = [
      { name: box.dataset.labelMonthly, type: "bar", data: numbers(data.monthly) },
      { name: box.dataset.labelCumulative, type: "line", data: numbers(data.cumulative) },
    ];
    if (data.pace[0] !== null) {
      series.push({
        name: box.dataset.labelPace,
        type: "line",
        symbol: "none",
        lineStyle: { type: "dashed" },
        data: numbers(data.pace),
      });
    }
    var chart = echarts.init(box);
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v === null || v === undefined ? "—" : v + data.unit; } },
      legend: { top: 0 },
      grid: { left: 8, right: 8, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: "category", name: box.dataset.labelMonth, data: months },
      yAxis: { type: "value", name: data.unit },
      series: series,
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-investment-chart]").forEach(draw);
  });
})();
