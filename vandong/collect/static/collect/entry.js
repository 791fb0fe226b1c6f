// The entry grid, keyboard-first: Enter moves to the next cell and
// Shift+Enter to the previous one, as Tab and Shift+Tab do. Leaving a cell
// fires its `change` event, on which htmx saves it. Without this file Enter
// submits the whole form (the Save all button), which also saves.
(function () {
  "use strict";

  function cellsOf(grid) {
    return Array.prototype.filter.call(
      grid.querySelectorAll("[data-cell]"),
      function (el) { return !el.disabled; }
    );
  }

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.key !== "Enter" || event.altKey || event.ctrlKey || event.metaKey) {
      return;
    }
    if (!target || !target.matches || !target.matches("[data-cell]")) {
      return;
    }
    var grid = target.closest("[data-grid]");
    if (!grid) {
      return;
    }
    event.preventDefault();
    var cells = cellsOf(grid);
    var next = cells[cells.indexOf(target) + (event.shiftKey ? -1 : 1)];
    if (!next && !event.shiftKey) {
      next = grid.querySelector("[data-save]");
    }
    if (next) {
      next.focus();
      if (typeof next.select === "function") {
        next.select();
      }
    } else {
      target.blur();
    }
  });
})();
