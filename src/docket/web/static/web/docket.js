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

// A link marked data-dialog-open="<id of a <dialog>>" opens its page's form in that dialog
// instead of leaving the page (the upload page's 新建客户, while files are still uploading).
// The form comes from the link's own address, asked with htmx (the view answers an htmx
// request with the form alone); the focus goes to its first field, Esc or a data-dialog-close
// button closes it, and the focus goes back to the link. The server closes it with the event
// "close-dialog" (HX-Trigger). Without JavaScript, or if the form cannot be had, the link
// leads to the page.
(() => {
  const openers = new WeakMap(); // dialog -> the link that opened it
  const loading = new WeakSet(); // dialogs whose form is on its way (a second click waits)

  function focusFirst(dialog) {
    const field = dialog.querySelector(
      "[aria-invalid=true], input:not([type=hidden]), select, textarea, button",
    );
    if (field) field.focus();
  }

  document.addEventListener("click", (event) => {
    const link = event.target.closest && event.target.closest("a[data-dialog-open]");
    if (!link || !window.htmx || event.button !== 0) return;
    if (event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return; // a new tab
    const dialog = document.getElementById(link.dataset.dialogOpen);
    if (!dialog || dialog.open) return;
    event.preventDefault();
    if (loading.has(dialog)) return;
    loading.add(dialog);
    const body = dialog.querySelector("[data-dialog-body]");
    body.replaceChildren();
    htmx
      .ajax("GET", link.href, { source: body, target: body, swap: "innerHTML" })
      .then(() => {
        if (!body.childElementCount) throw new Error("no form");
        openers.set(dialog, link);
        dialog.showModal();
        focusFirst(dialog);
      })
      .catch(() => window.location.assign(link.href))
      .finally(() => loading.delete(dialog));
  });

  document.addEventListener("click", (event) => {
    const button = event.target.closest && event.target.closest("dialog [data-dialog-close]");
    if (button) button.closest("dialog").close();
  });

  document.addEventListener("close-dialog", (event) => {
    const dialog = event.target.closest && event.target.closest("dialog");
    if (dialog && dialog.open) dialog.close();
  });

  // "close" does not bubble: caught on its way down.
  document.addEventListener(
    "close",
    (event) => {
      const link = openers.get(event.target);
      if (link && link.isConnected) link.focus();
    },
    true,
  );

  // A refusal (a name already taken, 400; 403; 404) is shown in the dialog that asked, with
  // the focus on the field to correct.
  document.addEventListener("htmx:beforeSwap", (event) => {
    const status = event.detail.xhr.status;
    const target = event.detail.target;
    if (status >= 400 && status < 500 && target && target.closest("dialog[data-dialog]")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  document.addEventListener("htmx:afterSwap", (event) => {
    const dialog = event.detail.target.closest && event.detail.target.closest("dialog[open]");
    if (dialog) focusFirst(dialog);
  });
})();
