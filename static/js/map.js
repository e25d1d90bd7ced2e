// Zoom and pan for the world map. The map works without this file: every country is a
// link and the list beside it holds the same counts. Loaded from /static/ (the CSP allows
// no inline script); it only changes the svg's viewBox.
(function () {
  "use strict";

  function setUp(figure) {
    var svg = figure.querySelector("svg");
    if (!svg) return;
    var full = svg.getAttribute("viewBox").split(/\s+/).map(Number);
    var box = full.slice();
    var MIN_WIDTH = full[2] / 16;

    function apply() {
      svg.setAttribute("viewBox", box.map(function (n) { return n.toFixed(1); }).join(" "));
      figure.classList.toggle("zoomed", box[2] < full[2]);
    }

    function clamp() {
      box[2] = Math.min(Math.max(box[2], MIN_WIDTH), full[2]);
      box[3] = box[2] * full[3] / full[2];
      box[0] = Math.min(Math.max(box[0], full[0]), full[0] + full[2] - box[2]);
      box[1] = Math.min(Math.max(box[1], full[1]), full[1] + full[3] - box[3]);
    }

    // Zoom by `factor` (< 1 zooms in) around a point given as fractions of the view.
    function zoom(factor, fx, fy) {
      var width = box[2] * factor;
      var height = box[3] * factor;
      box[0] += (box[2] - width) * (fx === undefined ? 0.5 : fx);
      box[1] += (box[3] - height) * (fy === undefined ? 0.5 : fy);
      box[2] = width;
      box[3] = height;
      clamp();
      apply();
    }

    function pan(dx, dy) {
      box[0] += dx * box[2];
      box[1] += dy * box[3];
      clamp();
      apply();
    }

    var controls = document.createElement("div");
    controls.className = "map-controls";
    controls.setAttribute("role", "group");
    // The words come from the page (data-label-*), in its language.
    var words = figure.dataset;
    controls.setAttribute("aria-label", words.labelControls || "Zoom and pan the map");
    // Visible words, so a button's name is what it says (speech input, WCAG 2.5.3).
    [
      [words.labelZoomIn || "Zoom in", function () { zoom(0.5); }],
      [words.labelZoomOut || "Zoom out", function () { zoom(2); }],
      [words.labelPanLeft || "Pan left", function () { pan(-0.25, 0); }],
      [words.labelPanRight || "Pan right", function () { pan(0.25, 0); }],
      [words.labelPanUp || "Pan up", function () { pan(0, -0.25); }],
      [words.labelPanDown || "Pan down", function () { pan(0, 0.25); }],
      [words.labelWhole || "Show the whole world", function () { box = full.slice(); apply(); }],
    ].forEach(function (spec) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = spec[0];
      button.addEventListener("click", spec[1]);
      controls.appendChild(button);
    });
    figure.insertBefore(controls, svg);

    svg.addEventListener("wheel", function (event) {
      event.preventDefault();
      var rect = svg.getBoundingClientRect();
      zoom(event.deltaY < 0 ? 0.8 : 1.25,
        (event.clientX - rect.left) / rect.width, (event.clientY - rect.top) / rect.height);
    }, { passive: false });

    // Drag to pan; a drag that moved does not follow the link it started on.
    var start = null;
    var moved = false;
    svg.addEventListener("pointerdown", function (event) {
      if (event.button !== 0) return;
      start = { x: event.clientX, y: event.clientY, box: box.slice() };
      moved = false;
    });
    svg.addEventListener("pointermove", function (event) {
      if (!start) return;
      var rect = svg.getBoundingClientRect();
      var dx = event.clientX - start.x;
      var dy = event.clientY - start.y;
      if (Math.abs(dx) + Math.abs(dy) > 4) moved = true;
      if (!moved) return;
      box[0] = start.box[0] - dx * box[2] / rect.width;
      box[1] = start.box[1] - dy * box[3] / rect.height;
      clamp();
      apply();
    });
    window.addEventListener("pointerup", function () { start = null; });
    svg.addEventListener("click", function (event) {
      if (moved) {
        event.preventDefault();
        moved = false;
      }
    }, true);
  }

  document.querySelectorAll(".world-map").forEach(setUp);
})();
