// hub share page: the person's own words (saved as they type; every card rebuilt around them by
// the server), cards they edit saved as their version as they type, live counters and problems
// measured by the server (the same `measure` as everywhere), similarity warnings on the cards,
// copy, open the platform's share screen with the person's text and link, Web Share.
// Nothing typed is lost: what the server refuses stays in the page and on this device.
(function () {
  "use strict";
  var form = document.getElementById("share-form");
  if (!form) return;
  var $ = function (id) { return document.getElementById(id); };
  var csrf = form.querySelector("input[name=csrf_token]").value;
  var cards = Array.prototype.slice.call(form.querySelectorAll(".share-card"));
  var words = $("own-words");
  var storageKey = form.dataset.storageKey;
  var MEASURE_DELAY = 150, SAVE_DELAY = 700, WORDS_DELAY = 400;
  var measureTimer = null, wordsTimer = null, saveTimers = {};
  // What the page says, in its language: the template's data-t-* and data-badge-* attributes on the
  // form, with {name}-style blanks filled here; the English is the fallback.
  function t(key, fallback, values) {
    var text = form.dataset[key] || fallback;
    Object.keys(values || {}).forEach(function (k) { text = text.split("{" + k + "}").join(values[k]); });
    return text;
  }
  var BADGES = { yours: t("badgeYours", "Your version"), author: t("badgeAuthor", "Author's version"),
                 proposed: t("badgeProposed", "Suggested"), words: t("badgeWords", "Built on your words") };

  function send(url, data) {
    data.append("csrf_token", csrf);
    return fetch(url, { method: "POST", body: data, credentials: "same-origin",
      headers: { "X-CSRFToken": csrf, "Accept": "application/json" } });
  }
  function json(r) { return r.json().then(function (j) { return { status: r.status, ok: r.ok, json: j }; }); }
  function platformsOf() { return cards.map(function (c) { return c.dataset.platform; }); }
  function textOf(platform) { return $("text-" + platform).value; }
  function subjectOf(platform) { var el = $("subject-" + platform); return el ? el.value : ""; }

  // --- what this device keeps until the server has it ------------------------------------------
  function local() { try { return JSON.parse(localStorage.getItem(storageKey) || "{}") || {}; } catch (e) { return {}; } }
  function keepLocal(key, value) {
    try { var all = local(); all[key] = value; localStorage.setItem(storageKey, JSON.stringify(all)); } catch (e) {}
  }
  function dropLocal(key) {
    try { var all = local(); delete all[key]; localStorage.setItem(storageKey, JSON.stringify(all)); } catch (e) {}
  }

  // --- showing a card's state ----------------------------------------------------------------
  function setSource(platform, source) {
    var card = $("card-" + platform);
    card.dataset.source = source;
    card.querySelector(".source-badge").textContent = BADGES[source] || source;
    card.querySelector(".reset").hidden = source !== "yours";
  }
  function setStatus(platform, text) { $("status-" + platform).textContent = text; }
  function applyState(platform, state) {
    var card = $("card-" + platform);
    var counter = $("counter-" + platform);
    var within = state.count <= state.limit;
    counter.querySelector(".count").textContent = state.count;
    counter.classList.toggle("over-limit", !within);
    counter.querySelector(".over").hidden = within;
    card.querySelector(".copy").disabled = !within;
    card.querySelector(".share-on").disabled = !within;
    var open = card.querySelector(".open");
    if (open) {
      if (state.intent) open.href = state.intent;
      if (within) open.removeAttribute("aria-disabled"); else open.setAttribute("aria-disabled", "true");
    }
    if (state.problems) { card.problems = state.problems; card.problemsStale = false; }
  }
  var lastWarnings = [];
  function showWarnings(list) {
    lastWarnings = list;
    cards.forEach(function (card) {
      var p = card.dataset.platform, box = $("warnings-" + p);
      box.textContent = "";
      (card.problems || []).forEach(function (text) { box.appendChild(note("notice notice-error problem", text)); });
      list.forEach(function (w) {
        if (w.platform === p) box.appendChild(note("notice notice-warning same-" + w.kind, w.message));
      });
    });
  }
  function note(className, text) {
    var el = document.createElement("p");
    el.className = className;
    el.textContent = text;
    return el;
  }
  function edited(card) { return card.dataset.source === "yours" || card.dataset.edited === "1"; }

  // --- measuring (counts, problems, similarity) ------------------------------------------------
  function measure() {
    var data = new FormData(), sent = {};
    platformsOf().forEach(function (p) {
      sent[p] = textOf(p);
      data.append("text-" + p, textOf(p));
      if (subjectOf(p)) data.append("subject-" + p, subjectOf(p));
    });
    return send(form.dataset.measureUrl, data).then(function (r) { return r.json(); }).then(function (j) {
      Object.keys(j.platforms).forEach(function (p) {
        var card = $("card-" + p);
        // problems are the person's to fix: shown on texts they wrote, not on hub's proposals
        if (!edited(card)) j.platforms[p].problems = [];
        if (textOf(p) !== sent[p]) delete j.platforms[p].problems;  // about a text changed since: wait for the next
        applyState(p, j.platforms[p]);
      });
      showWarnings(j.warnings || []);
    }).catch(function () {});
  }
  function scheduleMeasure() { clearTimeout(measureTimer); measureTimer = setTimeout(measure, MEASURE_DELAY); }

  // --- a card the person edits is saved as their version, as they type --------------------------
  var saving = {};
  function saveCard(platform) {
    if (saving[platform]) { saving[platform].again = true; return; }
    var text = textOf(platform), subject = subjectOf(platform);
    var data = new FormData();
    data.append("platform", platform); data.append("text", text); data.append("subject", subject);
    saving[platform] = { again: false };
    setStatus(platform, t("tSaving", "Saving…"));
    send(form.dataset.saveUrl, data).then(json).then(function (res) {
      if (res.ok) {
        setSource(platform, "yours");
        $("card-" + platform).dataset.edited = "";
        if (textOf(platform) === text && subjectOf(platform) === subject) dropLocal("text-" + platform);
        setStatus(platform, t("tSavedYours", "Saved as your version."));
      } else {
        var card = $("card-" + platform), message = (res.json && res.json.message) || t("tNotKept", "This text could not be kept.");
        card.problems = [message];
        card.problemsStale = textOf(platform) !== text;
        showWarnings(lastWarnings);
        setStatus(platform, t("tNotSaved", "Not saved yet: fix what is named above. What you typed stays here and on this device."));
      }
    }).catch(function () {
      setStatus(platform, t("tOfflineText", "Offline: your text is kept on this device and saved when you are back."));
    }).then(function () {
      var again = saving[platform].again;
      saving[platform] = null;
      if (again) saveCard(platform);
    });
  }
  function cardEdited(platform) {
    var card = $("card-" + platform);
    card.dataset.edited = "1";
    card.problemsStale = true;  // what was measured was about the text before this change
    card.querySelector(".source-badge").textContent = BADGES.yours;
    keepLocal("text-" + platform, { text: textOf(platform), subject: subjectOf(platform) });
    setStatus(platform, t("tUnsaved", "Unsaved changes…"));
    clearTimeout(saveTimers[platform]);
    saveTimers[platform] = setTimeout(function () { saveCard(platform); }, SAVE_DELAY);
    scheduleMeasure();
  }

  // --- the person's own words: saved as they type, every other card rebuilt around them ---------
  var wordsBusy = null;
  function showWordsCount() {
    var count = $("own-words-count"), max = Number(count.dataset.max), n = words.value.trim().length;
    count.textContent = n > max ? t("tWordsOver", "{count} / {max}: too long by {over}, keep it to a line or two",
                                    { count: n, max: max, over: n - max }) : n + " / " + max;
    count.classList.toggle("over-limit", n > max);
  }
  function applyCards(state) {
    Object.keys(state.cards).forEach(function (p) {
      var card = $("card-" + p), c = state.cards[p];
      if (!card || edited(card)) return; // the person's own texts are never overwritten
      $("text-" + p).value = c.text;
      var subject = $("subject-" + p);
      if (subject && c.subject !== null) subject.value = c.subject;
      setSource(p, c.source);
      c.problems = [];
      applyState(p, c);
    });
    showWarnings(state.warnings || []);
  }
  function saveWords() {
    if (wordsBusy) { wordsBusy.again = true; return; }
    var sent = words.value;
    var data = new FormData();
    data.append("words", sent);
    wordsBusy = { again: false };
    $("own-words-state").textContent = t("tSaving", "Saving…");
    send(form.dataset.wordsUrl, data).then(json).then(function (res) {
      var error = $("own-words-error");
      if (res.ok) {
        error.hidden = true;
        words.removeAttribute("aria-invalid");
        if (words.value === sent) dropLocal("words");
        $("own-words-state").textContent = t("tWordsSaved", "Saved. The texts below are built around your words.");
        applyCards(res.json);
        measure(); // similarity and problems for texts the person wrote themselves, too
      } else {
        error.textContent = (res.json && res.json.message) || t("tWordsNotSaved", "Your words could not be saved.");
        error.hidden = false;
        words.setAttribute("aria-invalid", "true");
        $("own-words-state").textContent = t("tWordsKept", "Not saved yet: what you typed stays here and on this device.");
      }
    }).catch(function () {
      $("own-words-state").textContent = t("tOfflineWords", "Offline: your words are kept on this device and saved when you are back.");
    }).then(function () {
      var again = wordsBusy.again;
      wordsBusy = null;
      if (again) saveWords();
    });
  }
  words.addEventListener("input", function () {
    showWordsCount();
    keepLocal("words", words.value);
    $("own-words-state").textContent = t("tUnsaved", "Unsaved changes…");
    clearTimeout(wordsTimer);
    wordsTimer = setTimeout(saveWords, WORDS_DELAY);
  });

  // --- sharing: one action of the person is one share event -------------------------------------
  function nameOf(platform) { return $("card-" + platform).dataset.name; }
  // Why this text cannot be shared as it is (empty: it can). The tracked link is checked here at
  // once; the rest is what the server measured, and the server checks everything again.
  function refusal(platform) {
    var card = $("card-" + platform), text = textOf(platform);
    if (card.dataset.needsLink === "1" && text.indexOf(card.dataset.link) < 0) {
      return t("tLinkMissing", "Your tracked link {link} is missing: put it back, or nobody can follow your share " +
        "(and it is not counted).", { link: card.dataset.link });
    }
    if (Number(card.dataset.limit) < Number($("counter-" + platform).querySelector(".count").textContent)) {
      return tooLong(platform);
    }
    return (edited(card) && !card.problemsStale && card.problems && card.problems.length) ? card.problems.join(" ") : "";
  }
  function tooLong(platform) { return t("tTooLong", "Too long for {name}: shorten it to share.", { name: nameOf(platform) }); }
  function refuse(platform, message) {
    var card = $("card-" + platform);
    card.problems = [message];
    showWarnings(lastWarnings);
    setStatus(platform, t("tNotShared", "Not shared: fix what is named above first."));
  }
  function recordEvent(platform, kind) {
    var data = new FormData();
    data.append("platform", platform); data.append("kind", kind);
    data.append("text", textOf(platform)); data.append("subject", subjectOf(platform));
    data.append("csrf_token", csrf);
    return fetch(form.dataset.eventUrl, { method: "POST", body: data, credentials: "same-origin", keepalive: true,
      headers: { "X-CSRFToken": csrf, "Accept": "application/json" } }).then(json).then(function (res) {
      if (res.ok) {
        if (res.json.kept) { setSource(platform, "yours"); $("card-" + platform).dataset.edited = ""; }
      } else { refuse(platform, (res.json && res.json.message) || t("tNotCounted", "This share was not counted.")); }
    }).catch(function () {});
  }
  function putOnClipboard(platform) {  // copies only: the caller records the one share event
    var text = textOf(platform);
    var done = navigator.clipboard && window.isSecureContext ? navigator.clipboard.writeText(text) : Promise.reject();
    return done.catch(function () {
      var area = $("text-" + platform);
      area.select(); document.execCommand("copy");
    });
  }
  function copy(platform) {
    var problem = refusal(platform);
    if (problem) { refuse(platform, problem); return; }
    putOnClipboard(platform).then(function () {
      var button = $("card-" + platform).querySelector(".copy");
      button.textContent = t("tCopied", "Copied ✓");
      setStatus(platform, t("tCopiedTo", "Copied: paste it into {name}.", { name: nameOf(platform) }));
      setTimeout(function () { button.textContent = t("tCopy", "Copy text"); }, 2000);
      recordEvent(platform, "copy");
    });
  }
  // Phones: the system share sheet with the text and the link; where the browser has none, copy
  // the text, then open the network's share screen (or only copy, where there is none).
  function shareOn(platform, button) {
    var problem = refusal(platform);
    if (problem) { refuse(platform, problem); return; }
    var card = $("card-" + platform), link = card.dataset.link, text = textOf(platform);
    if (navigator.share) {
      var data = { text: text.split(link).join("").replace(/[ \t]+\n/g, "\n").trim(), url: link };
      if (subjectOf(platform)) data.title = subjectOf(platform);
      navigator.share(data).then(function () {
        setStatus(platform, t("tShared", "Shared."));
        recordEvent(platform, "webshare");
      }).catch(function (err) {
        if (!err || err.name !== "AbortError") setStatus(platform, t("tPhoneFailed", "Your phone could not share it: copy the text instead."));
      });
      return;
    }
    var intent = card.querySelector(".open");
    var copied = putOnClipboard(platform);
    if (intent) {
      window.open(intent.href, "_blank", "noopener");
      setStatus(platform, t("tCopiedOpened", "Text copied, and {name} opened: paste it if it is not there.", { name: nameOf(platform) }));
      copied.then(function () { recordEvent(platform, "intent"); });
    } else {
      copied.then(function () {
        setStatus(platform, t("tCopiedOpen", "Text copied: open {name} and paste it.", { name: nameOf(platform) }));
        recordEvent(platform, "copy");
      });
    }
  }
  function reset(platform) {
    var data = new FormData();
    data.append("platform", platform);
    clearTimeout(saveTimers[platform]);
    send(form.dataset.resetUrl, data).then(json).then(function (res) {
      if (!res.ok) return;
      dropLocal("text-" + platform);
      var card = $("card-" + platform);
      card.dataset.edited = "";
      card.dataset.source = "reset";
      setStatus(platform, "");
      applyCards(res.json);
      measure();
    });
  }

  form.addEventListener("input", function (e) {
    var card = e.target.closest(".share-card");
    if (card) cardEdited(card.dataset.platform);
  });
  form.addEventListener("click", function (e) {
    var el = e.target.closest("button, a");
    if (!el || !el.dataset.platform) return;
    var p = el.dataset.platform;
    if (el.classList.contains("copy")) { copy(p); }
    else if (el.classList.contains("share-on")) { shareOn(p, el); }
    else if (el.classList.contains("open")) {
      var problem = el.getAttribute("aria-disabled") === "true" ? tooLong(p) : refusal(p);
      if (problem) { e.preventDefault(); refuse(p, problem); return; }
      // LinkedIn's and Facebook's share screens take only the link: the text goes on the clipboard.
      // Either way, this is one share: one event.
      if (p === "linkedin" || p === "facebook") putOnClipboard(p);
      recordEvent(p, "intent");
    } else if (el.classList.contains("reset")) { reset(p); }
  });
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  cards.forEach(function (card) {  // the problems the server named on the person's own texts
    card.problems = Array.prototype.map.call(card.querySelectorAll(".problem"), function (n) { return n.textContent; });
  });

  // "Change them" / "Choose your networks": open the chooser below and move there.
  var chooser = $("choose-networks"), change = $("change-networks");
  if (chooser && change) {
    change.addEventListener("click", function (e) {
      e.preventDefault();
      chooser.open = true;
      chooser.scrollIntoView({ block: "start" });
      chooser.querySelector("input[type=checkbox]").focus();
    });
  }

  // Phones: the person's networks one at a time, behind a tab list (WAI-ARIA tabs, automatic
  // activation); only when they have networks of their own (data-tabs), not for every network. The other cards get .tab-hidden, which hides them only in the phone media query:
  // wide screens keep every card side by side, and without this script every card shows. Hidden
  // cards keep their autosave: it goes by platform, not by what is on screen.
  var mine = Array.prototype.slice.call(form.querySelectorAll("#my-networks[data-tabs] .share-card"));
  if (mine.length > 1) {
    var TAB_KEY = "hub:share:tab", phone = window.matchMedia("(max-width: 640px)");
    var tablist = document.createElement("div");
    tablist.className = "network-tabs";
    tablist.setAttribute("role", "tablist");
    tablist.setAttribute("aria-labelledby", "my-networks-label");
    var tabs = mine.map(function (card) {
      var p = card.dataset.platform, tab = document.createElement("button");
      tab.type = "button";
      tab.className = "network-tab";
      tab.id = "tab-" + p;
      tab.dataset.tab = p;
      tab.setAttribute("role", "tab");
      tab.setAttribute("aria-controls", card.id);
      tab.textContent = card.dataset.name;
      tablist.appendChild(tab);
      return tab;
    });
    var grid = mine[0].parentNode;
    grid.parentNode.insertBefore(tablist, grid);
    var select = function (platform, focus) {
      tabs.forEach(function (tab, i) {
        var on = tab.dataset.tab === platform;
        tab.setAttribute("aria-selected", on ? "true" : "false");
        tab.tabIndex = on ? 0 : -1;
        mine[i].classList.toggle("tab-hidden", !on);
        if (on && focus) tab.focus();
      });
      try { sessionStorage.setItem(TAB_KEY, platform); } catch (e) {}
    };
    // tab and panel roles only while the tabs are on screen: on a wide screen the cards are plain sections
    var roles = function () {
      mine.forEach(function (card) {
        if (phone.matches) {
          card.setAttribute("role", "tabpanel");
          card.setAttribute("aria-labelledby", "tab-" + card.dataset.platform);
        } else {
          card.removeAttribute("role");
          card.setAttribute("aria-labelledby", "name-" + card.dataset.platform);
        }
      });
    };
    tablist.addEventListener("click", function (e) {
      var tab = e.target.closest("[role=tab]");
      if (tab) select(tab.dataset.tab, true);
    });
    tablist.addEventListener("keydown", function (e) {
      var i = tabs.indexOf(document.activeElement), n = tabs.length, next = -1;
      if (i < 0) return;
      if (e.key === "ArrowRight" || e.key === "ArrowDown") next = (i + 1) % n;
      else if (e.key === "ArrowLeft" || e.key === "ArrowUp") next = (i - 1 + n) % n;
      else if (e.key === "Home") next = 0;
      else if (e.key === "End") next = n - 1;
      if (next < 0) return;
      e.preventDefault();
      select(tabs[next].dataset.tab, true);
    });
    var remembered = null;
    try { remembered = sessionStorage.getItem(TAB_KEY); } catch (e) {}
    var known = tabs.some(function (tab) { return tab.dataset.tab === remembered; });
    select(known ? remembered : tabs[0].dataset.tab, false);
    roles();
    if (phone.addEventListener) phone.addEventListener("change", roles); else if (phone.addListener) phone.addListener(roles);
  }

  // Bring back what this device typed but the server did not take (refused, or offline).
  var kept = local(), retry = false;
  if (typeof kept.words === "string" && kept.words !== words.value) {
    words.value = kept.words; showWordsCount(); saveWords();
  } else { dropLocal("words"); }
  platformsOf().forEach(function (p) {
    var mine = kept["text-" + p];
    if (mine && (mine.text !== textOf(p) || (mine.subject || "") !== subjectOf(p))) {
      $("text-" + p).value = mine.text;
      var subject = $("subject-" + p);
      if (subject) subject.value = mine.subject || "";
      cardEdited(p);
      retry = true;
    } else if (mine) { dropLocal("text-" + p); }
  });
  showWordsCount();
  if (!retry) measure();
})();
