// Typed work survives a time-out and a closed tab (an enhancement: without it the
// server still keeps a form posted after a time-out and offers it back).
// - A form marked data-draft-key keeps a draft in this browser's localStorage as you
//   type; when the page opens with a draft that differs from it, it offers it back.
//   The draft is dropped when the form is submitted, after the longest a session
//   lasts, and by every "Sign out" on this browser.
// - data-idle-minutes: a notice two minutes before an idle sign-out.
(function () {
  "use strict";
  var PREFIX = "imhcf-draft:";

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

  var draft = read();
  var opened = JSON.stringify(values());
  if (draft && JSON.stringify(draft.values) !== opened) {
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
  }
  form.addEventListener("input", write);
  form.addEventListener("change", write);
  form.addEventListener("submit", function () { localStorage.removeItem(key); });

  var idle = Number(form.dataset.idleMinutes || 0);
  if (idle > 2) {
    setTimeout(function () {
      var warn = document.getElementById("idle-warning");
      warn.hidden = false;
    }, (idle - 2) * 60 * 1000);
  }
})();
