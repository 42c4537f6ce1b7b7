// Draws every chart of the page with plotly.js (served from the plotly package, no CDN).
// Figures come as JSON in <script type="application/json" id="..."> blocks; no inline
// script runs. A click on a bar, flow or point whose customdata names a table row
// scrolls to that row and highlights it; on the history chart it opens the run.
(function () {
  "use strict";
  function highlight(key) {
    var rows = document.querySelectorAll("[data-key]");
    var first = null;
    rows.forEach(function (row) {
      if (row.dataset.key === key) {
        row.classList.add("hit");
        if (!first) { first = row; }
        setTimeout(function () { row.classList.remove("hit"); }, 4000);
      }
    });
    if (first) { first.scrollIntoView({ behavior: "smooth", block: "center" }); }
    return first;
  }
  function draw(el) {
    var source = document.getElementById(el.dataset.figure);
    if (!source || typeof Plotly === "undefined") { return; }
    var fig = JSON.parse(source.textContent);
    if (fig.layout && fig.layout.height) { el.style.height = fig.layout.height + "px"; }
    Plotly.newPlot(el, fig.data, fig.layout, {
      displaylogo: false, responsive: true,
      modeBarButtonsToRemove: ["sendDataToCloud", "lasso2d", "select2d"]
    }).then(function () { el.dataset.rendered = "1"; });
    el.on("plotly_click", function (event) {
      var point = event.points && event.points[0];
      if (!point || point.customdata === undefined) { return; }
      var key = String(point.customdata);
      if (!key) { return; }
      var link = el.dataset.link;
      if (link) { window.location.href = link.replace("__KEY__", encodeURIComponent(key)); }
      else { highlight(key); }
    });
  }
  function start() { document.querySelectorAll("div.chart[data-figure]").forEach(draw); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); }
  else { start(); }
  window.chainoptHighlight = highlight;
})();
