// The province page's charts, asked for after the page's text has loaded and
// only once the charts' section comes near the screen: the chart data (JSON)
// first, each chart's figures as a table at once, then plotly.min.js (served
// by the analytics pages) to draw them. No inline script: the site's
// Content-Security-Policy forbids it. Written for old phone browsers (ES5).
(function () {
  "use strict";
  var box = document.getElementById("charts");
  if (!box || !window.fetch) {
    return;
  }
  var body = box.querySelector("[data-charts-body]");
  var status = box.querySelector("[data-charts-status]");

  function say(text) {
    status.textContent = text || "";
  }

  function table(spec) {
    var details = document.createElement("details");
    var summary = document.createElement("summary");
    summary.textContent = box.getAttribute("data-table");
    details.appendChild(summary);
    var wrap = document.createElement("div");
    wrap.className = "table-wrap";
    var t = document.createElement("table");
    var head = t.createTHead().insertRow();
    spec.columns.forEach(function (name) {
      var th = document.createElement("th");
      th.scope = "col";
      th.textContent = name;
      head.appendChild(th);
    });
    var rows = t.createTBody();
    spec.rows.forEach(function (cells) {
      var tr = rows.insertRow();
      cells.forEach(function (text, i) {
        var td = tr.insertCell();
        td.textContent = text;
        if (i > 0) {
          td.className = "num";
        }
      });
    });
    wrap.appendChild(t);
    details.appendChild(wrap);
    return details;
  }

  function place(charts) {
    var boxes = [];
    charts.forEach(function (chart) {
      var figure = document.createElement("figure");
      figure.id = chart.id;
      var caption = document.createElement("figcaption");
      caption.textContent = chart.title;
      figure.appendChild(caption);
      var plot = document.createElement("div");
      plot.className = "chart-box";
      plot.setAttribute("role", "img");
      plot.setAttribute("aria-label", chart.title);
      figure.appendChild(plot);
      figure.appendChild(table(chart.table));
      body.appendChild(figure);
      boxes.push([plot, chart.figure]);
    });
    return boxes;
  }

  function draw(boxes) {
    boxes.forEach(function (pair) {
      window.Plotly.newPlot(pair[0], pair[1].data, pair[1].layout, {
        displayModeBar: false,
        responsive: true,
        staticPlot: false
      });
      pair[0].setAttribute("data-drawn", "1");
    });
    box.setAttribute("data-ready", "1");
    say("");
  }

  function loadPlotly(done) {
    var src = box.getAttribute("data-plotly");
    if (window.Plotly) {
      done();
      return;
    }
    if (!src) {
      box.setAttribute("data-ready", "1");
      say("");
      return;
    }
    var script = document.createElement("script");
    script.src = src;
    script.async = true;
    script.onload = done;
    script.onerror = function () {
      say(box.getAttribute("data-failed"));
    };
    document.head.appendChild(script);
  }

  function start() {
    say(box.getAttribute("data-loading"));
    fetch(box.getAttribute("data-src"), {
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (data) {
        if (!data.charts || !data.charts.length) {
          box.setAttribute("data-ready", "1");
          say("");
          return;
        }
        var boxes = place(data.charts);
        loadPlotly(function () {
          draw(boxes);
        });
      })
      .catch(function () {
        say(box.getAttribute("data-failed"));
      });
  }

  if ("IntersectionObserver" in window) {
    var seen = new window.IntersectionObserver(
      function (entries) {
        if (entries.some(function (e) { return e.isIntersecting; })) {
          seen.disconnect();
          start();
        }
      },
      { rootMargin: "300px" }
    );
    seen.observe(box);
  } else {
    start();
  }
})();
