// Draws the report's two charts from the JSON the page carries (no inline script: the CSP forbids it).
(function () {
  "use strict";
  const source = document.getElementById("report-chart-data");
  if (!source || typeof Chart === "undefined") return; // the tables carry the same figures
  const data = JSON.parse(source.textContent);
  const colours = { on_time: "#1a7f37", late: "#bf8700", failed: "#cf222e", delivered: "#0969da" };
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.maintainAspectRatio = false;

  new Chart(document.getElementById("chart-days"), {
    type: "bar",
    data: {
      labels: data.days,
      datasets: [
        { label: data.labels.on_time, data: data.on_time, backgroundColor: colours.on_time, stack: "done" },
        { label: data.labels.late, data: data.late, backgroundColor: colours.late, stack: "done" },
        { label: data.labels.failed, data: data.failed, backgroundColor: colours.failed, stack: "failed" },
      ],
    },
    options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
               plugins: { legend: { position: "bottom" } } },
  });

  new Chart(document.getElementById("chart-couriers"), {
    type: "bar",
    data: {
      labels: data.couriers,
      datasets: [
        { label: data.labels.delivered, data: data.courier_delivered, backgroundColor: colours.delivered },
        { label: data.labels.failed, data: data.courier_failed, backgroundColor: colours.failed },
      ],
    },
    options: { indexAxis: "y", scales: { x: { beginAtZero: true, ticks: { precision: 0 } } },
               plugins: { legend: { position: "bottom" } } },
  });
})();
