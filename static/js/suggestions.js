// hub suggestions: quote a passage of the post by selecting it, then comment on it.
(function () {
  "use strict";
  var source = document.getElementById("suggest-source");
  var button = document.getElementById("quote-selection");
  var quote = document.getElementById("quote");
  if (!source || !button || !quote) return;
  var picked = "";

  function selectedInSource() {
    var sel = window.getSelection();
    if (!sel || sel.isCollapsed || !sel.rangeCount) return "";
    var range = sel.getRangeAt(0);
    if (!source.contains(range.commonAncestorContainer)) return "";
    return sel.toString().replace(/\s+/g, " ").trim().slice(0, 1000);
  }

  document.addEventListener("selectionchange", function () {
    var text = selectedInSource();
    if (text) picked = text;
    button.hidden = !text && !picked;
  });
  button.addEventListener("click", function () {
    if (!picked) return;
    quote.value = picked;
    quote.dispatchEvent(new Event("input", { bubbles: true }));
    var message = document.getElementById("message");
    if (message) message.focus();
  });
})();
