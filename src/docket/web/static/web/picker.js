// The customer picker (templates/web/customer_picker/_picker.html): a text box whose
// suggestions the server renders (htmx GET of data-picker-url with q=the text), chosen with the
// mouse or the keyboard (arrows, Enter, Escape), which puts the customer's id in the hidden
// input next to it. Everything is delegated from the document, so pickers that htmx swaps in
// later (the document's details form) work too.
"use strict";

(() => {
  const DELAY = 200; // ms after the last key before asking the server
  const state = new WeakMap(); // picker root -> { timer, busy, again }

  function partsOf(element) {
    const root = element && element.closest && element.closest("[data-picker]");
    if (!root) return null;
    return {
      root,
      input: root.querySelector("[role=combobox]"),
      hidden: root.querySelector("[data-picker-value]"),
      list: root.querySelector("[role=listbox]"),
      status: root.querySelector("[data-picker-status]"),
    };
  }

  function stateOf(p) {
    if (!state.has(p.root)) state.set(p.root, { timer: 0, busy: false, again: false });
    return state.get(p.root);
  }

  function options(p) {
    return [...p.list.querySelectorAll("[role=option]:not([aria-disabled=true])")];
  }

  function isOpen(p) {
    return !p.list.hidden;
  }

  function open(p) {
    p.list.hidden = false;
    p.input.setAttribute("aria-expanded", "true");
  }

  function close(p) {
    p.list.hidden = true;
    p.input.setAttribute("aria-expanded", "false");
    p.input.removeAttribute("aria-activedescendant");
  }

  // The hidden id changes: tell the form (the documents list searches on "change").
  function setValue(p, id) {
    if (p.hidden.value === id) return;
    p.hidden.value = id;
    p.hidden.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function load(p) {
    const s = stateOf(p);
    if (s.busy) {
      s.again = true; // one more request once this one is answered, for the latest text
      return;
    }
    s.busy = true;
    const text = p.input.value;
    htmx
      .ajax("GET", p.root.dataset.pickerUrl, {
        source: p.input,
        target: p.list,
        swap: "innerHTML",
        values: { q: text },
      })
      .then(() => shown(p))
      .finally(() => {
        s.busy = false;
        if (s.again) {
          s.again = false;
          load(p);
        }
      });
  }

  // The answer is in the list: give each option an id for aria-activedescendant, say how
  // many there are, and show them if the text box still has the focus.
  function shown(p) {
    const found = options(p);
    found.forEach((option, index) => {
      option.id = `${p.list.id}-${index}`;
    });
    p.input.removeAttribute("aria-activedescendant");
    const empty = p.list.querySelector(".picker-empty");
    p.status.textContent = found.length
      ? p.root.dataset.msgFound.replace("{count}", String(found.length))
      : (empty && empty.textContent) || "";
    if (document.activeElement === p.input) open(p);
  }

  function active(p) {
    const id = p.input.getAttribute("aria-activedescendant");
    return id ? document.getElementById(id) : null;
  }

  function move(p, step) {
    const found = options(p);
    if (!found.length) return;
    const index = found.indexOf(active(p));
    const next = found[(index + step + found.length) % found.length];
    found.forEach((option) => option.setAttribute("aria-selected", String(option === next)));
    p.input.setAttribute("aria-activedescendant", next.id);
    next.scrollIntoView({ block: "nearest" });
  }

  function choose(p, option) {
    p.input.value = option.dataset.label;
    setValue(p, option.dataset.id);
    close(p);
    p.status.textContent = "";
  }

  document.addEventListener("input", (event) => {
    const p = partsOf(event.target);
    if (!p || event.target !== p.input) return;
    setValue(p, ""); // the text no longer names the customer chosen before
    const s = stateOf(p);
    clearTimeout(s.timer);
    s.timer = setTimeout(() => load(p), DELAY);
  });

  document.addEventListener("keydown", (event) => {
    const p = partsOf(event.target);
    if (!p || event.target !== p.input) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (isOpen(p)) move(p, event.key === "ArrowDown" ? 1 : -1);
      else load(p);
    } else if (event.key === "Enter" && isOpen(p)) {
      event.preventDefault(); // choosing is not sending the form
      const found = options(p);
      const option = active(p) || (found.length === 1 ? found[0] : null);
      if (option) choose(p, option);
      else close(p);
    } else if (event.key === "Escape" && isOpen(p)) {
      event.preventDefault();
      close(p);
    }
  });

  // mousedown, not click: the text box keeps the focus, so the list is not closed first.
  document.addEventListener("mousedown", (event) => {
    const option = event.target.closest && event.target.closest("[data-picker] [role=option]");
    if (!option || option.getAttribute("aria-disabled") === "true") return;
    event.preventDefault();
    choose(partsOf(option), option);
  });

  document.addEventListener("focusout", (event) => {
    const p = partsOf(event.target);
    if (p && !p.root.contains(event.relatedTarget)) close(p);
  });

  // The text box's own change event means nothing to the form (only the id does): stop it
  // before a form that searches on change (the documents list) sends a half-typed name.
  document.addEventListener(
    "change",
    (event) => {
      if (event.target.matches && event.target.matches("[data-picker] [role=combobox]")) {
        event.stopPropagation();
      }
    },
    true,
  );

  // Buttons that choose a customer for a picker (the upload review's suggestions).
  document.addEventListener("click", (event) => {
    const button = event.target.closest && event.target.closest("[data-picker-choose]");
    if (!button) return;
    const p = partsOf(document.getElementById(button.dataset.pickerFor));
    if (!p) return;
    p.input.value = button.dataset.pickerLabel;
    setValue(p, button.dataset.pickerChoose);
  });

  // A customer just added in a dialog (the upload page's 新建客户: the server's HX-Trigger
  // "customer-created" with its id, name and a sentence saying so) is chosen in the picker
  // the dialog names with data-picker-for.
  document.addEventListener("customer-created", (event) => {
    const holder = event.target.closest && event.target.closest("[data-picker-for]");
    const p = holder && partsOf(document.getElementById(holder.dataset.pickerFor));
    if (!p || !event.detail || !event.detail.id) return;
    p.input.value = event.detail.name;
    setValue(p, String(event.detail.id));
    close(p);
    p.status.textContent = event.detail.message || "";
  });
})();
