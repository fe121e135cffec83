// Typed work survives a time-out and a closed tab (an enhancement: without it the
// server still keeps a form posted after a time-out and offers it back).
// - A form marked data-draft-key keeps a draft in this browser's localStorage as you
//   type; when the page opens with a draft that differs from it, it offers it back.
//   The draft is dropped once the answer to its Save arrives (not when Save is pressed:
//   a save the server could not finish, its 503 page marked data-save-failed, or one
//   that never got an answer, keeps it to be offered back), when the page opens
//   showing exactly the draft, after the longest a session lasts, and by every
//   "Sign out" on this browser.
// - data-idle-minutes: a notice two minutes before an idle sign-out.
(function () {
  "use strict";
  var PREFIX = "imhcf-draft:";
  var SENT = "imhcf-draft-sent";  // in sessionStorage: the draft whose Save was pressed

  function forget() {
    try {
      for (var i = localStorage.length - 1; i >= 0; i--) {
        var key = localStorage.key(i);
        if (key && key.indexOf(PREFIX) === 0) localStorage.removeItem(key);
      }
    } catch (e) { /* storage may be off: nothing was kept */ }
  }

  document.querySelectorAll("form[data-signs-out]").forEach(function (form) {
    form.addEventListener("submit", forget);
  });

  // The page after a Save: the server's answer (saved, or the form again with what was
  // typed) drops the draft; the 503 page, or coming back to the form without an answer
  // (Back from a browser error page), keeps it.
  try {
    var sent = sessionStorage.getItem(SENT);
    if (sent) {
      sessionStorage.removeItem(SENT);
      var nav = (performance.getEntriesByType("navigation") || [])[0];
      var cameBack = nav && nav.type === "back_forward";
      if (!("saveFailed" in document.body.dataset) && !cameBack) localStorage.removeItem(sent);
    }
  } catch (e) { /* storage off: nothing was kept */ }

  var form = document.querySelector("form[data-draft-key]");
  if (!form) return;
  var key = PREFIX + form.dataset.draftKey;
  var maxAge = Number(form.dataset.draftHours || 10) * 3600 * 1000;

  function fields() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && (el.tagName === "TEXTAREA" || el.type === "radio");
    });
  }
  function values() {
    var out = {};
    fields().forEach(function (el) {
      if (el.tagName === "TEXTAREA") out[el.name] = el.value;
      else if (el.checked) out[el.name] = el.value;
    });
    return out;
  }
  function apply(saved) {
    fields().forEach(function (el) {
      if (!(el.name in saved)) return;
      if (el.tagName === "TEXTAREA") el.value = saved[el.name];
      else el.checked = el.value === saved[el.name];
    });
  }
  function read() {
    try {
      var draft = JSON.parse(localStorage.getItem(key) || "null");
      if (draft && Date.now() - draft.at < maxAge) return draft;
      localStorage.removeItem(key);
    } catch (e) { /* unreadable or off */ }
    return null;
  }
  function write() {
    try { localStorage.setItem(key, JSON.stringify({ at: Date.now(), values: values() })); }
    catch (e) { /* full or off: the server still keeps a timed-out form */ }
  }

  // Saved text comes back trimmed: a draft that differs only by spaces at either end
  // is what the page already shows.
  function same(a, b) {
    var keys = Object.keys(a).concat(Object.keys(b));
    return keys.every(function (k) { return String(a[k] || "").trim() === String(b[k] || "").trim(); });
  }

  // What the server rendered (the saved state), whatever the browser restored since.
  function rendered() {
    var out = {};
    fields().forEach(function (el) {
      if (el.tagName === "TEXTAREA") out[el.name] = el.defaultValue;
      else if (el.defaultChecked) out[el.name] = el.value;
    });
    return out;
  }

  var draft = read();
  if (draft && same(draft.values, rendered())) {
    localStorage.removeItem(key);
    draft = null;
  }
  if (draft) {
    var box = document.getElementById("draft-offer");
    box.querySelector("[data-draft-time]").textContent =
      new Date(draft.at).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" });
    box.hidden = false;
    box.querySelector("[data-draft-restore]").addEventListener("click", function () {
      apply(draft.values);
      box.hidden = true;
      write();
      form.querySelector("textarea, input[type=radio]").focus();
    });
    box.querySelector("[data-draft-discard]").addEventListener("click", function () {
      localStorage.removeItem(key);
      box.hidden = true;
    });
    // Back after a failed save: the browser may put the typed text back itself, just
    // after the page has loaded; then there is nothing to offer (the draft stays, unsaved).
    var settle = function () { if (same(draft.values, values())) box.hidden = true; };
    settle();
    window.addEventListener("load", function () { setTimeout(settle, 0); });
  }
  form.addEventListener("input", write);
  form.addEventListener("change", write);
  form.addEventListener("submit", function () {
    write();
    try { sessionStorage.setItem(SENT, key); } catch (e) { /* off: kept until it matches */ }
  });

  var idle = Number(form.dataset.idleMinutes || 0);
  if (idle > 2) {
    setTimeout(function () {
      var warn = document.getElementById("idle-warning");
      warn.hidden = false;
    }, (idle - 2) * 60 * 1000);
  }
})();
