// Docket's own script: small behaviours that need no framework. No inline scripts anywhere
// (the Content-Security-Policy forbids them), so pages mark elements with data- attributes.
"use strict";

document.documentElement.classList.add("js");

document.addEventListener("change", (event) => {
  const field = event.target;
  if (field.matches && field.matches("[data-autosubmit]")) {
    field.form.requestSubmit();
  }
  // A file picker (class file-picker) says which file was chosen, as the browser's would.
  const picker = field.closest && field.closest("[data-file-picker]");
  if (picker && field.type === "file") {
    const names = [...field.files].map((file) => file.name).join(", ");
    picker.querySelector("[data-file-name]").textContent = names || picker.dataset.msgNone;
  }
});

// Tags carry their colour as data-color (inline style attributes would need 'unsafe-inline').
function paintTags(root) {
  root.querySelectorAll("[data-color]").forEach((element) => {
    const color = element.dataset.color;
    if (/^#[0-9a-fA-F]{6}$/.test(color)) {
      element.style.setProperty("--tag-color", color);
    }
  });
}
document.addEventListener("DOMContentLoaded", () => paintTags(document));
document.addEventListener("htmx:afterSwap", (event) => paintTags(event.target));

// Ask before a form that takes something away is sent (a permission, a lock, an account's
// second factor). Forms carry the question in data-confirm.
document.addEventListener("submit", (event) => {
  const form = event.target;
  const question = form.dataset && form.dataset.confirm;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});

// A form marked data-swap-errors shows the server's 400 answer (filters it could not
// understand, a customer name that means several) where its results go; htmx would drop it.
document.addEventListener("htmx:beforeSwap", (event) => {
  const source = event.detail.requestConfig && event.detail.requestConfig.elt;
  if (event.detail.xhr.status === 400 && source && source.closest("[data-swap-errors]")) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
