// hub share page, optional language-model writer: the page shows hub's own texts at once; this asks
// the server for the model's texts afterwards and puts them into the cards the person has not
// touched (hub's suggestion, not typed in). Nothing waits for it; if it fails, nothing changes.
(function () {
  "use strict";
  var form = document.getElementById("share-form");
  if (!form || !form.dataset.writerUrl) return;
  var csrf = form.querySelector("input[name=csrf_token]").value;
  var SUGGESTED = ["proposed", "words"];  // hub's suggestion (built around the person's own words or not)
  var typed = {};  // platforms the person has typed in: never replaced
  var asked = 0;

  function ownWordsField() { return document.querySelector("#own-words, [name=own_words]"); }
  function fields(p) {
    return { text: document.getElementById("text-" + p), subject: document.getElementById("subject-" + p) };
  }
  function untouched(card) {
    return SUGGESTED.indexOf(card.dataset.source) >= 0 && card.dataset.edited !== "1" && !typed[card.dataset.platform];
  }
  function post(url, data) {
    data.append("csrf_token", csrf);
    return fetch(url, { method: "POST", body: data, credentials: "same-origin",
                        headers: { "X-CSRFToken": csrf, "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; });
  }
  function showState(p, state) {
    var card = document.getElementById("card-" + p);
    var counter = document.getElementById("counter-" + p);
    counter.querySelector(".count").textContent = state.count;
    counter.classList.toggle("over-limit", !state.ok);
    counter.querySelector(".over").hidden = state.ok;
    card.querySelector(".copy").disabled = !state.ok;
    var shareOn = card.querySelector(".share-on");
    if (shareOn) shareOn.disabled = !state.ok;
    var open = card.querySelector(".open");
    if (open && state.intent) open.href = state.intent;
  }
  function note(card, model) {
    var el = card.querySelector(".written-with");
    if (!el) {
      el = document.createElement("p");
      el.className = "help written-with";
      card.querySelector(".share-text").insertAdjacentElement("afterend", el);
    }
    // the page's language (the template's data-t-written-with), English as the fallback
    el.textContent = (form.dataset.tWrittenWith || "Written with {model}. Make it sound like you.").split("{model}").join(model);
  }
  function put(p, model, t) {
    var card = document.getElementById("card-" + p);
    var f = fields(p);
    f.text.value = t.text;
    if (f.subject && t.subject !== null) f.subject.value = t.subject;
    showState(p, t);
    card.dataset.writtenBy = "model";
    note(card, model);
  }
  // A measurement share.js asked for before the texts changed may still come back with the old
  // text's share link: measure the new texts once more, and keep what belongs to the text shown.
  function remeasure(written) {
    if (!form.dataset.measureUrl || !written.length) return Promise.resolve();
    var data = new FormData();
    written.forEach(function (p) {
      var f = fields(p);
      data.append("text-" + p, f.text.value);
      if (f.subject && f.subject.value) data.append("subject-" + p, f.subject.value);
    });
    return post(form.dataset.measureUrl, data).then(function (j) {
      if (!j) return;
      written.forEach(function (p) { if (j.platforms[p] && !typed[p]) showState(p, j.platforms[p]); });
    });
  }
  function apply(answer) {
    var written = [];
    Object.keys(answer.platforms).forEach(function (p) {
      var t = answer.platforms[p];
      var card = document.getElementById("card-" + p);
      if (card && t.source === "model" && untouched(card)) { put(p, answer.model, t); written.push(p); }
    });
    return remeasure(written);
  }
  function ask() {
    var ticket = ++asked;
    var data = new FormData();
    var own = ownWordsField();
    data.append("own_words", own ? own.value : "");
    form.dataset.writer = "asking";
    post(form.dataset.writerUrl, data)
      .then(function (answer) { if (answer && ticket === asked) return apply(answer); })
      .catch(function () {})
      .then(function () { if (ticket === asked) form.dataset.writer = "done"; });
  }

  form.addEventListener("input", function (e) {  // only people fire input events, never scripts
    var card = e.target.closest && e.target.closest(".share-card");
    if (card) typed[card.dataset.platform] = true;
  });
  document.addEventListener("change", function (e) {
    if (e.target === ownWordsField()) ask();
  });
  ask();
})();
