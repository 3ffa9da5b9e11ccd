// hub: behaviour on every page, loaded at the end of <body> (the CSP allows no inline script). The phone
// menu starts closed in CSS; without JavaScript css/nojs.css shows every link instead.
(function () {
  "use strict";
  var root = document.documentElement;
  var script = document.currentScript;

  function noteHeaderHeight() {
    // The editor's sticky bar sits just under a sticky header, however many lines the header takes.
    var header = document.querySelector(".site-header");
    if (header) root.style.setProperty("--header-h", header.offsetHeight + "px");
  }

  function setOpen(toggle, links, open) {
    toggle.setAttribute("aria-expanded", String(open));
    links.classList.toggle("open", open);
    noteHeaderHeight();
  }

  function columnLabels(table) {
    // On a phone a table's rows are stacked: each cell shows its column's name (data-label), taken
    // from the header unless the template set one. A header that is only for screen readers (an
    // "Actions" column) gives no label.
    var head = table.tHead && table.tHead.rows[0];
    if (!head) return;
    var labels = [];
    Array.prototype.forEach.call(head.cells, function (th) {
      var hidden = th.querySelector(".visually-hidden");
      var text = th.textContent.replace(/\s+/g, " ").trim();
      var label = hidden && hidden.textContent.trim() === text ? "" : text;
      for (var i = 0; i < (th.colSpan || 1); i++) labels.push(label);
    });
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        var column = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          if (cell.tagName === "TD" && !cell.hasAttribute("data-label")) {
            // a cell spanning columns is a message ("No messages."), an empty one needs no name
            var empty = !cell.textContent.trim() && !cell.querySelector("a, button, input, select, textarea, img, svg");
            cell.setAttribute("data-label", cell.colSpan > 1 || empty ? "" : labels[column] || "");
          }
          column += cell.colSpan || 1;
        });
      });
    });
  }

  function keyboardScrolling() {
    // A box that scrolls sideways (a wide table or chart) can be reached with the keyboard and says what it holds.
    Array.prototype.forEach.call(document.querySelectorAll(".table-wrap, .chart-box"), function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !box.hasAttribute("tabindex")) {
        var section = box.closest("section, .card, main");
        var heading = section && section.querySelector("h1, h2, h3");
        box.tabIndex = 0;
        box.setAttribute("role", "region");
        var says = (script && script.getAttribute("data-scrolls-label")) || "scrolls sideways";
        box.setAttribute("aria-label", (heading ? heading.textContent.trim() + ": " : "") + says);
        box.setAttribute("data-scrolls", "");
      } else if (!scrolls && box.hasAttribute("data-scrolls")) {
        ["tabindex", "role", "aria-label", "data-scrolls"].forEach(function (name) { box.removeAttribute(name); });
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("table.table"), columnLabels);
    keyboardScrolling();
    window.addEventListener("resize", keyboardScrolling);
    var toggle = document.getElementById("nav-toggle");
    var links = document.getElementById("nav-links");
    if (toggle && links) {
      toggle.addEventListener("click", function () {
        setOpen(toggle, links, toggle.getAttribute("aria-expanded") !== "true");
      });
      document.addEventListener("keydown", function (event) {
        if (event.key === "Escape" && toggle.getAttribute("aria-expanded") === "true") {
          setOpen(toggle, links, false);
          toggle.focus();
        }
      });
    }
    noteHeaderHeight();
    window.addEventListener("resize", noteHeaderHeight);
    // On a phone the strategy's tone of voice starts folded (one tap opens it): what the person
    // writes, and the share buttons, come first on a narrow screen.
    if (window.matchMedia && window.matchMedia("(max-width: 640px)").matches) {
      Array.prototype.forEach.call(document.querySelectorAll("details.strategy-tone[open]"), function (d) {
        d.open = false;
      });
    }
    var worker = script && script.getAttribute("data-service-worker");
    if (worker && "serviceWorker" in navigator && window.isSecureContext) {
      navigator.serviceWorker.register(worker).catch(function () { /* the site works without it */ });
    }
  });
})();
