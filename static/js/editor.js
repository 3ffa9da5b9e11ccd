// hub editor: live preview (rendered by the server), word count, autosave with conflict
// detection, image upload, and a local copy of unsaved text so nothing typed is ever lost.
(function () {
  "use strict";
  var form = document.getElementById("editor");
  if (!form) return;
  var $ = function (id) { return document.getElementById(id); };
  var csrf = form.querySelector("input[name=csrf_token]").value;
  var base = form.querySelector("input[name=base_revision_id]");
  var title = $("title"), body = $("body");
  var keyPoint = $("key_point"), keyPointSuggested = $("key_point_suggested");
  var previewBody = $("preview-body"), previewTitle = $("preview-title");
  var saveState = $("save-state"), stateLabel = $("state-label");
  var conflictBox = $("autosave-conflict");
  var autosaveUrl = form.dataset.autosaveUrl;
  var PREVIEW_DELAY = 250, AUTOSAVE_DELAY = 2500;
  var previewTimer = null, autosaveTimer = null, inFlight = null, paused = !!$("conflict");
  var lastSaved = snapshot(), submitting = false;
  var storageKey = "hub:draft:" + (form.action || location.pathname);

  // What the editor says, in the person's language: the page passes it in data-text (JSON);
  // the English here is the fallback. "{name}" parts are filled in by t().
  var TEXT = {
    saving: "Saving…",
    saved: "Saved revision {number} at {time}",
    kept: "Changes kept (not yet a revision; on revision {number}) at {time}",
    conflict: "Not saved: changed elsewhere",
    invalid: "Not saved yet: {problem}",
    checkForm: "Not saved yet: please check the form",
    offline: "Offline: your text is kept on this device and will be saved when you are back",
    unsaved: "Unsaved changes",
    wordOne: "{n} word",
    wordOther: "{n} words",
    minutes: "{n} min read",
    outside: "Images from other sites are not shown in posts ({urls}): readers get a link to them instead. Use Insert image to upload them.",
    localCopy: "This device has text you typed on {time} that was not saved.",
    restore: "Restore it",
    discard: "Discard",
    uploading: "Uploading {name}…",
    uploadFailed: "Upload failed",
    noImage: "No image inserted.",
    tooLong: "{count} / {max}: too long by {over}. Shorten it to save; nothing is cut.",
    keyPointTooLong: "{count} / {max}: too long by {over}, keep it to one or two sentences"
  };
  try {
    var given = JSON.parse(form.dataset.text || "{}");
    Object.keys(given).forEach(function (k) { if (typeof given[k] === "string" && given[k]) TEXT[k] = given[k]; });
  } catch (e) {}
  function t(key, values) {
    return TEXT[key].replace(/\{(\w+)\}/g, function (whole, name) {
      return values && Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : whole;
    });
  }

  var tz = $("time_zone"); // the browser's IANA zone: the server converts the chosen date's own offset
  try {
    tz.value = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    if (tz.value) $("time-zone-name").textContent = ", " + tz.value;
  } catch (e) {}

  function snapshot() {
    // hub's untouched key-point suggestion is not the author's text: it never makes the form dirty
    return JSON.stringify([title.value, $("summary").value, body.value, $("tags").value, $("cover_image_id").value,
      isSuggestion() ? null : keyPoint.value]);
  }
  function isSuggestion() { return keyPointSuggested.value === "1"; }

  // Key point: a counter, and hub's suggestion marked as such until the author edits or clears it.
  function showKeyPoint() {
    var count = $("key-point-count"), max = Number(count.dataset.max), n = keyPoint.value.length;
    count.textContent = n > max ? t("keyPointTooLong", { count: n, max: max, over: n - max }) : n + " / " + max;
    count.classList.toggle("over-limit", n > max);
    var suggested = isSuggestion();
    $("key-point-badge").hidden = !suggested || !keyPoint.value;
    $("key-point-clear").hidden = !suggested || !keyPoint.value;
    $("key-point-field").classList.toggle("is-suggestion", suggested);
    var hint = $("key-point-hint");
    hint.textContent = suggested && keyPoint.value ? hint.dataset.suggested : hint.dataset.own;
  }
  function ownKeyPoint() { keyPointSuggested.value = "0"; showKeyPoint(); }
  function dirty() { return snapshot() !== lastSaved; }
  function setState(text) { saveState.textContent = text; }
  function post(url, data) {
    return fetch(url, { method: "POST", body: data, credentials: "same-origin",
      headers: { "X-CSRFToken": csrf, "Accept": "application/json" } });
  }

  var previewTicket = 0;
  function renderPreview() {
    var data = new FormData();
    data.append("body", body.value);
    data.append("csrf_token", csrf);
    data.append("title", title.value);
    data.append("summary", $("summary").value);
    if (isSuggestion()) data.append("want_key_point", "1");
    var ticket = ++previewTicket;
    post(form.dataset.previewUrl, data).then(function (r) { return r.ok ? r.json() : null; }).then(function (j) {
      if (!j || ticket !== previewTicket) return;  // an answer about an older text than the newest asked

      if (typeof j.key_point === "string" && isSuggestion() && document.activeElement !== keyPoint) {
        keyPoint.value = j.key_point; // the suggestion follows the text until the author takes it over
        showKeyPoint();
      }
      previewBody.innerHTML = j.html; // sanitized by the server's sanitize_html, same as publishing
      var outside = $("outside-images"), urls = j.outside_images || [];
      outside.hidden = !urls.length;
      outside.textContent = urls.length ? t("outside", { urls: urls.join(", ") }) : "";
      $("word-count").textContent = t(j.words === 1 ? "wordOne" : "wordOther", { n: j.words });
      $("reading-time").textContent = t("minutes", { n: j.minutes });
    }).catch(function () {});
  }
  function schedulePreview() {
    previewTitle.textContent = title.value;
    previewTitle.hidden = !title.value.trim();  // an empty heading says nothing to a screen reader
    clearTimeout(previewTimer);
    previewTimer = setTimeout(renderPreview, PREVIEW_DELAY);
  }

  function keepLocalCopy() {
    try { localStorage.setItem(storageKey, JSON.stringify({ at: Date.now(), base: base.value, fields: JSON.parse(snapshot()) })); } catch (e) {}
  }
  function dropLocalCopy() { try { localStorage.removeItem(storageKey); } catch (e) {} }

  function autosave() {
    if (paused || submitting || !dirty()) return Promise.resolve();
    if (inFlight) return inFlight.then(autosave);
    var sent = snapshot();
    setState(t("saving"));
    inFlight = post(autosaveUrl, new FormData(form)).then(function (r) {
      return r.json().then(function (j) { return { status: r.status, json: j }; });
    }).then(function (res) {
      if (res.status === 200) {
        var j = res.json;
        base.value = String(j.revision_id);
        var token = form.querySelector("input[name=working_copy_token]");
        if (token) token.value = j.working_copy_token || ""; // which working copy this editor wrote last
        lastSaved = sent;
        if (!dirty()) dropLocalCopy();
        setState(t(j.working_copy_token ? "kept" : "saved",
          { number: j.number, time: new Date(j.saved_at).toLocaleTimeString() }));
        stateLabel.textContent = j.state;
        if (autosaveUrl !== j.autosave_url) { // a new post now exists: keep editing it
          dropLocalCopy();
          storageKey = "hub:draft:" + new URL(j.edit_url, location.href).href;
          if (dirty()) keepLocalCopy();
          autosaveUrl = j.autosave_url;
          form.action = j.edit_url;
          form.dataset.autosaveUrl = j.autosave_url;
          history.replaceState(null, "", j.edit_url);
        }
      } else if (res.status === 409) {
        paused = true;
        conflictBox.hidden = false;
        setState(t("conflict"));
      } else {
        var fields = res.json && res.json.fields ? res.json.fields : {};
        var first = Object.keys(fields)[0];
        setState(first ? t("invalid", { problem: fields[first][0] }) : t("checkForm"));
      }
    }).catch(function () {
      setState(t("offline"));
    }).then(function () { inFlight = null; });
    return inFlight;
  }
  function scheduleAutosave() {
    keepLocalCopy();
    clearTimeout(autosaveTimer);
    autosaveTimer = setTimeout(autosave, AUTOSAVE_DELAY);
    if (!paused) setState(t("unsaved"));
  }

  form.addEventListener("input", function (e) {
    if (e.target === keyPoint) ownKeyPoint();
    if (e.target === body || e.target === title || (e.target.id === "summary" && isSuggestion())) schedulePreview();
    if (e.target.name !== "publish_at") scheduleAutosave();
  });
  form.addEventListener("submit", function (e) {
    clearTimeout(autosaveTimer);
    if (inFlight && !submitting) { // let a running autosave land first, so our base is current
      e.preventDefault();
      var submitter = e.submitter;
      inFlight.then(function () { submitting = true; form.requestSubmit(submitter); });
      return;
    }
    submitting = true;
    keepLocalCopy();
  });
  window.addEventListener("beforeunload", function (e) {
    if (!submitting && dirty()) { keepLocalCopy(); e.preventDefault(); e.returnValue = ""; }
  });
  document.addEventListener("visibilitychange", function () { if (document.visibilityState === "hidden") autosave(); });

  // Offer text that was typed here but never reached the server (closed tab, lost network).
  try {
    var saved = JSON.parse(localStorage.getItem(storageKey) || "null");
    if (saved && JSON.stringify(saved.fields) !== snapshot() && !$("conflict") && !form.querySelector(".error")) {
      var bar = document.createElement("div");
      bar.className = "notice notice-warning";
      bar.setAttribute("role", "status");
      bar.textContent = t("localCopy", { time: new Date(saved.at).toLocaleString() }) + " ";
      var restore = document.createElement("button");
      restore.type = "button"; restore.className = "button small"; restore.textContent = t("restore");
      restore.addEventListener("click", function () {
        var f = saved.fields;
        title.value = f[0]; $("summary").value = f[1]; body.value = f[2]; $("tags").value = f[3]; $("cover_image_id").value = f[4];
        if (typeof f[5] === "string") { keyPoint.value = f[5]; ownKeyPoint(); }
        bar.remove(); schedulePreview(); scheduleAutosave();
      });
      var discard = document.createElement("button");
      discard.type = "button"; discard.className = "link"; discard.textContent = t("discard");
      discard.addEventListener("click", function () { dropLocalCopy(); bar.remove(); });
      bar.appendChild(restore); bar.appendChild(document.createTextNode(" ")); bar.appendChild(discard);
      form.insertBefore(bar, form.querySelector(".editor-grid"));
    } else if (saved && JSON.stringify(saved.fields) === snapshot()) {
      dropLocalCopy();
    }
  } catch (e) {}

  // Images: upload, then insert Markdown at the cursor (inline) or set the cover.
  function upload(file, alt) {
    var data = new FormData();
    data.append("image", file);
    if (alt) data.append("alt", alt);
    data.append("csrf_token", csrf);
    $("upload-status").textContent = t("uploading", { name: file.name });
    return post(form.dataset.uploadUrl, data).then(function (r) {
      return r.json().then(function (j) {
        if (!r.ok) throw new Error(j.message || t("uploadFailed"));
        $("upload-status").textContent = "";
        return j;
      });
    }).catch(function (err) { $("upload-status").textContent = err.message; throw err; });
  }
  // An image in the text: ask for its description (alt), then upload and insert both.
  var pendingImage = null, describe = $("image-describe"), altInput = $("image-alt");
  function closeDescribe() {
    pendingImage = null; describe.hidden = true; altInput.value = "";
    $("image-alt-error").hidden = true; altInput.removeAttribute("aria-invalid");
  }
  function insertImage() {
    var alt = altInput.value.trim(), file = pendingImage;
    if (!file) return;
    if (!alt) {
      $("image-alt-error").hidden = false; altInput.setAttribute("aria-invalid", "true"); altInput.focus();
      return;
    }
    closeDescribe();
    upload(file, alt).then(function (j) {
      var at = body.selectionStart || body.value.length;
      var text = "\n" + j.markdown + "\n";
      body.value = body.value.slice(0, at) + text + body.value.slice(at);
      body.dispatchEvent(new Event("input", { bubbles: true }));
      body.focus();
    }).catch(function () {});
  }
  $("image-input").addEventListener("change", function () {
    var file = this.files[0];
    this.value = "";
    if (!file) return;
    pendingImage = file;
    $("image-alt-file").textContent = file.name + ":";
    describe.hidden = false;
    altInput.focus();
  });
  $("image-insert").addEventListener("click", insertImage);
  $("image-cancel").addEventListener("click", function () { closeDescribe(); $("upload-status").textContent = t("noImage"); });
  altInput.addEventListener("keydown", function (e) {
    if (e.key === "Enter") { e.preventDefault(); insertImage(); }
    else if (e.key === "Escape") { e.preventDefault(); closeDescribe(); }
  });
  $("cover-input").addEventListener("change", function () {
    var file = this.files[0];
    if (!file) return;
    upload(file).then(function (j) {
      $("cover_image_id").value = String(j.id);
      $("cover-remove").hidden = false;
      scheduleAutosave();
    }).catch(function () {});
  });
  $("cover-remove").addEventListener("click", function () {
    $("cover_image_id").value = ""; $("cover-input").value = ""; this.hidden = true; scheduleAutosave();
  });

  $("key-point-clear").addEventListener("click", function () {
    keyPoint.value = "";
    ownKeyPoint();
    scheduleAutosave();
    keyPoint.focus();
  });
  // Character counters on the limited fields (title, summary): the browser never cuts a paste,
  // the counter says when it is too long, and the server refuses it with the same message.
  Array.prototype.forEach.call(form.querySelectorAll("input[data-max], textarea[data-max]"), function (el) {
    var max = Number(el.dataset.max), out = document.createElement("p");
    out.className = "help counter field-counter";
    out.id = el.id + "-count";
    out.setAttribute("aria-live", "polite");
    el.insertAdjacentElement("afterend", out);
    el.setAttribute("aria-describedby", ((el.getAttribute("aria-describedby") || "") + " " + out.id).trim());
    function show() {
      var n = el.value.length, over = n - max;
      out.textContent = over > 0 ? t("tooLong", { count: n, max: max, over: over }) : n + " / " + max;
      out.classList.toggle("over-limit", over > 0);
      if (over > 0) el.setAttribute("aria-invalid", "true");
      else if (!el.closest(".has-error")) el.setAttribute("aria-invalid", "false");
    }
    el.addEventListener("input", show);
    show();
  });
  showKeyPoint();
  renderPreview();
})();
