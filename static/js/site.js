// hub: behaviour on every page. Loaded in <head> (the CSP allows no inline script): it marks the page as
// scripted at once, so the phone menu starts closed without a flash; without JavaScript every link shows.
(function () {
  "use strict";
  var root = document.documentElement;
  var script = document.currentScript;
  root.classList.add("js");

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

  document.addEventListener("DOMContentLoaded", function () {
    var toggle = document.getElementById("nav-toggle");
    var links = document.getElementById("nav-links");
    if (toggle && links) {
      toggle.hidden = false;
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
    var worker = script && script.getAttribute("data-service-worker");
    if (worker && "serviceWorker" in navigator && window.isSecureContext) {
      navigator.serviceWorker.register(worker).catch(function () { /* the site works without it */ });
    }
  });
})();
