// Charts without inline scripts: an element <div data-chart="ID"> is drawn with the ECharts
// option stored in <script type="application/json" id="ID"> (Django's json_script filter).
(function () {
  function draw(root) {
    if (typeof echarts === "undefined") return;
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      var source = document.getElementById(el.dataset.chart);
      if (!source) return;
      var chart = echarts.getInstanceByDom(el) || echarts.init(el);
      chart.setOption(JSON.parse(source.textContent), true);
    });
  }
  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSettle", function (event) { draw(event.target); });
  window.addEventListener("resize", function () {
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var chart = typeof echarts !== "undefined" && echarts.getInstanceByDom(el);
      if (chart) chart.resize();
    });
  });
})();
