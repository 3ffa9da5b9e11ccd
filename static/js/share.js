// hub share page: live counters measured by the server (the same `measure` as everywhere),
// copy, open the platform's share screen with the person's text and link, Web Share.
(function () {
  "use strict";
  var form = document.getElementById("share-form");
  if (!form) return;
  var csrf = form.querySelector("input[name=csrf_token]").value;
  var timers = {};
  var cards = Array.prototype.slice.call(form.querySelectorAll(".share-card"));

  function send(url, data) {
    data.append("csrf_token", csrf);
    return fetch(url, { method: "POST", body: data, credentials: "same-origin", headers: { "X-CSRFToken": csrf, "Accept": "application/json" } });
  }
  function textOf(platform) { return document.getElementById("text-" + platform).value; }
  function subjectOf(platform) { var el = document.getElementById("subject-" + platform); return el ? el.value : ""; }

  function applyState(platform, state) {
    var card = document.getElementById("card-" + platform);
    var counter = document.getElementById("counter-" + platform);
    counter.querySelector(".count").textContent = state.count;
    counter.classList.toggle("over-limit", !state.ok);
    counter.querySelector(".over").hidden = state.ok;
    card.querySelector(".copy").disabled = !state.ok;
    var open = card.querySelector(".open");
    if (open) {
      if (state.intent) open.href = state.intent;
      if (state.ok) open.removeAttribute("aria-disabled"); else open.setAttribute("aria-disabled", "true");
    }
  }
  function showWarnings(list) {
    var box = document.getElementById("share-warnings");
    box.textContent = "";
    list.forEach(function (w) {
      var p = document.createElement("p");
      p.className = "notice notice-warning";
      var pct = Math.round(w.score * 100) + "%";
      p.textContent = w.kind === "platform"
        ? "Your " + w.platform + " and " + w.other + " texts read almost the same (" + pct + "): readers who follow you on both will notice."
        : "Your " + w.platform + " text is almost the same as " + w.other + "'s (" + pct + "). Put it in your own words.";
      box.appendChild(p);
    });
  }
  function measure(platforms) {
    var data = new FormData();
    (platforms || cards.map(function (c) { return c.dataset.platform; })).forEach(function (p) {
      data.append("text-" + p, textOf(p));
      if (subjectOf(p)) data.append("subject-" + p, subjectOf(p));
    });
    return send(form.dataset.measureUrl, data).then(function (r) { return r.json(); }).then(function (j) {
      Object.keys(j.platforms).forEach(function (p) { applyState(p, j.platforms[p]); });
      showWarnings(j.warnings || []);
    });
  }
  function recordEvent(platform, kind) {
    var data = new FormData();
    data.append("platform", platform); data.append("kind", kind);
    data.append("text", textOf(platform)); data.append("subject", subjectOf(platform));
    data.append("csrf_token", csrf);
    if (navigator.sendBeacon && navigator.sendBeacon(form.dataset.eventUrl, data)) return Promise.resolve();
    return send(form.dataset.eventUrl, data);
  }
  function copy(platform) {
    var text = textOf(platform);
    var done = navigator.clipboard && window.isSecureContext ? navigator.clipboard.writeText(text) : Promise.reject();
    return done.catch(function () {
      var area = document.getElementById("text-" + platform);
      area.select(); document.execCommand("copy");
    }).then(function () {
      var button = document.getElementById("card-" + platform).querySelector(".copy");
      button.textContent = "Copied ✓";
      setTimeout(function () { button.textContent = "Copy text"; }, 2000);
      return recordEvent(platform, "copy");
    });
  }

  form.addEventListener("input", function (e) {
    var card = e.target.closest(".share-card");
    if (!card) return;
    var p = card.dataset.platform;
    clearTimeout(timers[p]);
    timers[p] = setTimeout(function () { measure(); }, 120);
  });
  form.addEventListener("click", function (e) {
    var el = e.target.closest("button, a");
    if (!el || !el.dataset.platform) return;
    var p = el.dataset.platform;
    if (el.classList.contains("copy")) { copy(p); }
    else if (el.classList.contains("open")) {
      if (el.getAttribute("aria-disabled") === "true") { e.preventDefault(); return; }
      if (p === "linkedin" || p === "facebook") copy(p); // their share screens take only the link
      recordEvent(p, "intent");
    } else if (el.classList.contains("webshare")) {
      navigator.share({ text: textOf(p) }).then(function () { recordEvent(p, "webshare"); }).catch(function () {});
    } else if (el.classList.contains("save")) {
      var data = new FormData();
      data.append("platform", p); data.append("text", textOf(p)); data.append("subject", subjectOf(p));
      send(form.dataset.saveUrl, data).then(function (r) { el.textContent = r.ok ? "Kept ✓" : "Too long to keep"; });
    }
  });
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  if (navigator.share) { // phones: hand the text to the system share sheet
    Array.prototype.forEach.call(form.querySelectorAll(".webshare"), function (b) { b.hidden = false; });
  }
})();
