// Draws the analytics figures. Each figure is a JSON data block
// (<script type="application/json" id="fig-…">, built in Python) next to a
// box <div data-figure="fig-…">; this file hands them to Plotly.newPlot. It
// redraws what htmx swaps in, draws figures inside <details> when they open
// (a hidden box has no size), and frees the plots htmx swaps out. The page's
// Content-Security-Policy allows no inline script, hence this file.
(function () {
  "use strict";

  var CONFIG = {
    displaylogo: false,
    responsive: true,
    modeBarButtonsToRemove: [
      "select2d", "lasso2d", "autoScale2d", "toggleSpikelines",
      "hoverClosestCartesian", "hoverCompareCartesian", "zoom2d"
    ]
  };
  var MAP_CONFIG = { scrollZoom: true, modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d"] };

  function registerLocale() {
    var block = document.getElementById("plotly-locale");
    if (!block || !window.Plotly) {
      return;
    }
    var locale = JSON.parse(block.textContent);
    if (locale.dictionary) {
      window.Plotly.register({
        moduleType: "locale",
        name: locale.name,
        dictionary: locale.dictionary,
        format: locale.format || {}
      });
    }
    CONFIG.locale = locale.name;
    MAP_CONFIG.locale = locale.name;
  }

  function hidden(box) {
    var closed = box.closest("details:not([open])");
    return closed !== null;
  }

  function draw(box) {
    var block = document.getElementById(box.getAttribute("data-figure"));
    if (!block || hidden(box)) {
      return;
    }
    var figure = JSON.parse(block.textContent);
    var isMap = box.classList.contains("fig-map");
    var config = Object.assign({}, CONFIG, isMap ? MAP_CONFIG : {}, figure.config || {});
    config.toImageButtonOptions = { filename: box.getAttribute("data-figure") };
    // A page htmx restored from its history holds a lifeless copy of the
    // plot: start from an empty box.
    box.textContent = "";
    window.Plotly.newPlot(box, figure.data, figure.layout, config);
    box.setAttribute("data-drawn", "1");
  }

  function drawAll(root, again) {
    if (!window.Plotly) {
      return;
    }
    var boxes = root.querySelectorAll("[data-figure]");
    Array.prototype.forEach.call(boxes, function (box) {
      if (again || box.getAttribute("data-drawn") !== "1") {
        draw(box);
      }
    });
  }

  function purge(root) {
    if (!window.Plotly || !root.querySelectorAll) {
      return;
    }
    var plots = root.querySelectorAll(".js-plotly-plot");
    Array.prototype.forEach.call(plots, function (plot) {
      window.Plotly.purge(plot);
    });
  }

  registerLocale();
  drawAll(document, false);

  document.addEventListener("htmx:beforeSwap", function (event) {
    purge(event.detail.target);
  });
  // New boxes are those not drawn yet, wherever htmx put them.
  document.addEventListener("htmx:afterSettle", function () {
    drawAll(document, false);
  });
  document.addEventListener("htmx:historyRestore", function () {
    drawAll(document, true);
  });
  // `toggle` does not bubble: listen while it descends.
  document.addEventListener("toggle", function (event) {
    if (event.target.open) {
      drawAll(event.target, false);
    }
  }, true);
})();
