// The desk's one script: a form marked data-busy says plainly that it is working (its status
// line shown, its buttons marked disabled) while a long request, such as a reconciliation,
// runs, and is not sent a second time meanwhile.
"use strict";
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.dataset.busy) {
    return;
  }
  if (form.dataset.sent) {
    event.preventDefault(); // already on its way: the answer is awaited
    return;
  }
  form.dataset.sent = "true";
  const status = document.getElementById(form.dataset.busy);
  if (status) {
    status.hidden = false;
  }
  for (const button of form.querySelectorAll("button[type=submit]")) {
    button.setAttribute("aria-disabled", "true"); // still sent with the form, unlike disabled
  }
});
// Back to a page the browser kept: its forms may be sent again.
window.addEventListener("pageshow", (event) => {
  if (!event.persisted) {
    return;
  }
  for (const form of document.querySelectorAll("form[data-busy]")) {
    delete form.dataset.sent;
    const status = document.getElementById(form.dataset.busy);
    if (status) {
      status.hidden = true;
    }
    for (const button of form.querySelectorAll("button[type=submit]")) {
      button.removeAttribute("aria-disabled");
    }
  }
});
