// hub share page, optional language-model writer: the page shows hub's own texts at once; this asks
// the server for the model's texts afterwards and puts them into the cards the person has not
// touched (hub's suggestion, unedited). Nothing waits for it; if it fails, nothing changes.
(function () {
  "use strict";
  var form = document.getElementById("share-form");
  if (!form || !form.dataset.writerUrl) return;
  var csrf = form.querySelector("input[name=csrf_token]").value;
  var asked = 0;

  function ownWordsField() { return document.querySelector("#own-words, [name=own_words]"); }
  function fields(card) {
    var p = card.dataset.platform;
    return { text: document.getElementById("text-" + p), subject: document.getElementById("subject-" + p) };
  }
  var SUGGESTED = ["proposed", "words"];  // hub's suggestion (around the person's own words or not)
  function untouched(card) {
    var f = fields(card);
    return SUGGESTED.indexOf(card.dataset.source) >= 0 && f.text.value === f.text.defaultValue &&
      (!f.subject || f.subject.value === f.subject.defaultValue);
  }
  function note(card, model) {
    var el = card.querySelector(".written-with");
    if (!el) {
      el = document.createElement("p");
      el.className = "help written-with";
      card.querySelector(".share-text").insertAdjacentElement("afterend", el);
    }
    el.textContent = "Written with " + model + ". Make it sound like you.";
  }
  function put(card, model, t) {
    var f = fields(card);
    f.text.value = f.text.defaultValue = t.text;  // still "untouched": a later answer may replace it
    if (f.subject && t.subject !== null) f.subject.value = f.subject.defaultValue = t.subject;
    var counter = document.getElementById("counter-" + t.platform);
    counter.querySelector(".count").textContent = t.count;
    counter.classList.toggle("over-limit", !t.ok);
    counter.querySelector(".over").hidden = t.ok;
    card.querySelector(".copy").disabled = !t.ok;
    var open = card.querySelector(".open");
    if (open && t.intent) open.href = t.intent;
    card.dataset.writtenBy = "model";
    note(card, model);
  }
  function apply(answer) {
    Object.keys(answer.platforms).forEach(function (p) {
      var t = answer.platforms[p];
      var card = document.getElementById("card-" + p);
      if (card && t.source === "model" && untouched(card)) put(card, answer.model, t);
    });
  }
  function ask() {
    var ticket = ++asked;
    var data = new FormData();
    var own = ownWordsField();
    data.append("csrf_token", csrf);
    data.append("own_words", own ? own.value : "");
    form.dataset.writer = "asking";
    fetch(form.dataset.writerUrl, { method: "POST", body: data, credentials: "same-origin",
                                    headers: { "X-CSRFToken": csrf, "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (answer) { if (answer && ticket === asked) apply(answer); })
      .catch(function () {})
      .then(function () { if (ticket === asked) form.dataset.writer = "done"; });
  }

  document.addEventListener("change", function (e) {
    if (e.target === ownWordsField()) ask();
  });
  ask();
})();
