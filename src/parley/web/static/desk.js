// The desk's one script: a form marked data-busy says plainly that it is working (its status
// line shown, its button disabled) while a long request, such as a reconciliation, runs.
"use strict";
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.dataset.busy) {
    return;
  }
  const status = document.getElementById(form.dataset.busy);
  if (status) {
    status.hidden = false;
  }
  for (const button of form.querySelectorAll("button[type=submit]")) {
    // disabled after this event, so the button's own name and value still go with the form
    setTimeout(() => { button.disabled = true; }, 0);
  }
});
