// A refused form's error summary (templates/includes/_error_summary.html) takes the
// focus when the page opens, so a screen reader reads it out and a keyboard starts there
// (the GOV.UK pattern). Its links move the focus to their field and show the field's
// label with it, not just the input at the top edge of the screen.
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  if (!summary) return;
  summary.focus();
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) return;
    var field = document.getElementById(link.getAttribute("href").slice(1));
    if (!field) return;
    event.preventDefault();
    var label = field.id ? document.querySelector("label[for='" + field.id + "']") : null;
    var fieldset = field.closest("fieldset");
    var legend = fieldset ? fieldset.querySelector("legend") : null;
    (legend || label || field).scrollIntoView();
    field.focus({ preventScroll: true });
  });
})();
