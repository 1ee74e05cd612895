// The pickup request's form (the citizen's page and the clerk's): shows the documents and fee of
// the procedure chosen, and keeps a double tap from sending the request twice. Without this
// script the form works the same; the list shows only when the page comes back with an error.
(function () {
  "use strict";
  const form = document.querySelector("form.pickup-form");
  if (!form) return;
  const menu = form.querySelector("select[name=procedure]");
  const details = Array.from(form.querySelectorAll(".procedure-info[data-procedure]"));

  function showChosen() {
    for (const section of details) section.hidden = section.dataset.procedure !== menu.value;
  }

  if (menu) {
    menu.addEventListener("change", showChosen);
    showChosen(); // a value the browser restored (back button, autofill)
  }
  form.addEventListener("submit", () => {
    for (const button of form.querySelectorAll("button[type=submit]")) button.disabled = true;
  });
  // Back from the confirmation, the page may come from the back-forward cache with its button off.
  window.addEventListener("pageshow", () => {
    for (const button of form.querySelectorAll("button[type=submit]")) button.disabled = false;
  });
})();
