// Progress charts (Chart.js, vendored): for each [data-progress] block, the
// estimated 1RM by day (line) and the volume by week (bars) of the exercise
// chosen in its select. The data is the block's data-progress (JSON).
(function () {
  "use strict";

  function draw(block) {
    var data = JSON.parse(block.getAttribute("data-progress"));
    var select = block.querySelector("select[data-progress-select]");
    var charts = [];

    function render() {
      var chosen = select ? select.value : String(data.exercises[0] && data.exercises[0].id);
      var exercise = data.exercises.filter(function (e) { return String(e.id) === chosen; })[0];
      charts.forEach(function (chart) { chart.destroy(); });
      charts = [];
      if (!exercise || typeof window.Chart === "undefined") return;
      charts.push(new window.Chart(block.querySelector("canvas[data-chart='e1rm']"), {
        type: "line",
        data: {
          labels: exercise.days,
          datasets: [{ label: data.labels.e1rm, data: exercise.e1rm, borderColor: "#206bc4", tension: 0.2 }]
        },
        options: { responsive: true, maintainAspectRatio: false, animation: false, plugins: { legend: { display: true } } }
      }));
      charts.push(new window.Chart(block.querySelector("canvas[data-chart='volume']"), {
        type: "bar",
        data: {
          labels: exercise.weeks,
          datasets: [{ label: data.labels.volume, data: exercise.volume, backgroundColor: "#79a6dc" }]
        },
        options: { responsive: true, maintainAspectRatio: false, animation: false }
      }));
      block.setAttribute("data-drawn", chosen);
    }

    if (select) select.addEventListener("change", render);
    render();
  }

  function start() {
    document.querySelectorAll("[data-progress]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
