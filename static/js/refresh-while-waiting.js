// A page that shows work under way (data-refresh-seconds on its answer) loads itself
// again after that many seconds, until the work is done. Without script, the page
// says to come back; nothing is lost either way.
(function () {
  "use strict";
  var waiting = document.querySelector("[data-refresh-seconds]");
  if (!waiting) return;
  var seconds = parseInt(waiting.getAttribute("data-refresh-seconds"), 10) || 5;
  window.setTimeout(function () { window.location.reload(); }, seconds * 1000);
})();
