// A passkey that fails or is cancelled: allauth's webauthn.js only tells the console
// (it dispatches "allauth.error"). Say it on the page, where the person is looking, in
// a live region next to the passkey button.
(function () {
  "use strict";
  const WORDS = {
    NotAllowedError: "The passkey was cancelled or timed out. Try again, or use another way to sign in.",
    InvalidStateError: "This passkey is already set up for your account.",
    SecurityError: "Passkeys work only on this site's own secure address.",
  };
  document.addEventListener("allauth.error", function (event) {
    const tags = (event.detail && event.detail.tags) || [];
    if (tags.indexOf("webauthn") === -1) return;
    event.preventDefault();
    const error = event.detail.exception || {};
    let box = document.getElementById("passkey-problem");
    if (!box) {
      box = document.createElement("div");
      box.id = "passkey-problem";
      box.className = "alert alert-danger mt-3";
      box.setAttribute("role", "alert");
      const main = document.getElementById("main");
      (main || document.body).prepend(box);
    }
    box.textContent = WORDS[error.name] ||
      "That passkey did not work. Try again, or use another way to sign in.";
    box.scrollIntoView({ block: "nearest" });
  });
})();
