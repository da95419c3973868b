// The document page: ask before a form that takes something away (a permission, another
// person's check-out) is sent. Forms carry the question in data-confirm (no inline script).
"use strict";

document.addEventListener("submit", (event) => {
  const form = event.target;
  const question = form.dataset && form.dataset.confirm;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
