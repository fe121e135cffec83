// Names each search-as-you-type box in the admin (Django's select2 autocomplete) after
// its field, for screen readers: select2 labels the box by its current choice, which is
// empty until one is made. Boxes are named whenever select2 draws one: on page load,
// when a row is added to an inline, and after a choice.
(function () {
  "use strict";

  function fieldName(select) {
    if (select.getAttribute("aria-label")) {
      return select.getAttribute("aria-label");
    }
    var label = select.id && document.querySelector('label[for="' + select.id + '"]');
    return label ? label.textContent.replace(/:\s*$/, "").trim() : "";
  }

  function nameBoxes() {
    document.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var holder = select.nextElementSibling;
      var name = fieldName(select);
      if (!holder || !name) {
        return;
      }
      holder.querySelectorAll(".select2-selection, .select2-selection__rendered").forEach(
        function (part) {
          if (part.getAttribute("aria-label") !== name) {
            part.setAttribute("aria-label", name);
          }
          part.removeAttribute("aria-labelledby");
        }
      );
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    nameBoxes();
    new MutationObserver(nameBoxes).observe(document.body, { childList: true, subtree: true });
  });
})();
