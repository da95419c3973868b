// The upload page: files dropped or chosen go up one request each (so each has its own
// progress bar and its own error), a few at a time. The server answers with the job's row,
// which htmx then polls until the job is final. Messages come from data- attributes on the
// form, translated by the server.
"use strict";

(() => {
  const PARALLEL = 3; // uploads at once: enough to fill the line, few enough to keep order

  const form = document.getElementById("upload-form");
  if (!form) return;
  const input = document.getElementById("upload-files");
  const zone = document.getElementById("drop-zone");
  const list = document.getElementById("jobs");
  const template = document.getElementById("upload-row-template");
  const announcer = document.getElementById("upload-announcer");
  const text = form.dataset;
  const queue = [];
  let active = 0;
  let counter = 0;

  function announce(message) {
    announcer.textContent = message;
  }

  function sizeText(bytes) {
    if (bytes < 1024) return `${bytes} B`;
    if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
    return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  }

  function addFiles(files) {
    const defaults = {};
    for (const name of ["customer", "customer_text", "type", "title", "tags"]) {
      defaults[name] = form.elements[name].value; // chosen before the drop, kept per file
    }
    document.getElementById("no-jobs").hidden = true;
    for (const file of files) {
      const row = newRow(file);
      list.prepend(row);
      if (file.size > Number(text.maxBytes)) {
        showError(row, text.msgTooLarge);
        continue;
      }
      queue.push({ file, row, defaults });
    }
    pump();
  }

  function newRow(file) {
    const row = template.content.firstElementChild.cloneNode(true);
    const id = `upload-progress-${++counter}`;
    row.querySelector(".job-name").textContent = file.name;
    row.querySelector(".job-size").textContent = sizeText(file.size);
    row.querySelector(".job-phase").textContent = text.msgWaiting;
    const label = row.querySelector(".job-progress-label");
    label.htmlFor = id;
    label.querySelector(".visually-hidden").textContent = `${file.name} ${text.msgUploading}`;
    row.querySelector("progress").id = id;
    return row;
  }

  function pump() {
    while (active < PARALLEL && queue.length) {
      const item = queue.shift();
      active += 1;
      send(item).finally(() => {
        active -= 1;
        pump();
      });
    }
  }

  function send({ file, row, defaults }) {
    return new Promise((resolve) => {
      const data = new FormData();
      for (const [name, value] of Object.entries(defaults)) data.append(name, value);
      data.append("files", file, file.name);
      const xhr = new XMLHttpRequest();
      const bar = row.querySelector("progress");
      const percent = row.querySelector(".job-percent");
      row.querySelector(".job-phase").textContent = text.msgUploading;
      xhr.upload.addEventListener("progress", (event) => {
        if (!event.lengthComputable) return;
        const done = Math.round((event.loaded / event.total) * 100);
        bar.value = done;
        percent.textContent = `${done}%`;
      });
      xhr.upload.addEventListener("load", () => {
        row.querySelector(".job-phase").textContent = text.msgUploaded; // the server is storing it
      });
      xhr.addEventListener("load", () => {
        if (xhr.status >= 200 && xhr.status < 300) {
          replaceRow(row, xhr.responseText);
          announce(`${file.name}: ${text.msgUploaded}`);
        } else {
          showError(row, refusal(xhr));
        }
        resolve();
      });
      xhr.addEventListener("error", () => {
        showError(row, text.msgNetwork);
        resolve();
      });
      xhr.open("POST", form.action);
      xhr.setRequestHeader("X-CSRFToken", form.elements.csrfmiddlewaretoken.value);
      xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
      xhr.send(data);
    });
  }

  function parse(html) {
    return new DOMParser().parseFromString(html, "text/html");
  }

  function replaceRow(row, html) {
    const rows = [...parse(html).body.children];
    row.replaceWith(...rows);
    for (const fresh of rows) {
      if (window.htmx) window.htmx.process(fresh);
    }
  }

  // The server's own sentence when it sent one (empty file, no permission…), else one by
  // status (a proxy's 413, a gateway error).
  function refusal(xhr) {
    const said = parse(xhr.responseText || "").querySelector(".upload-error");
    if (said) return said.textContent.trim();
    if (xhr.status === 413) return text.msgTooLarge;
    if (xhr.status === 403) return text.msgRefused;
    return text.msgFailed;
  }

  function showError(row, message) {
    row.classList.remove("uploading");
    row.classList.add("upload-failed");
    row.dataset.state = "refused";
    row.querySelector(".job-phase").className = "badge state-failed job-phase";
    row.querySelector(".job-phase").textContent = text.msgNotUploaded;
    const status = row.querySelector(".job-status");
    status.replaceChildren();
    const line = document.createElement("span");
    line.className = "error upload-error";
    line.setAttribute("role", "alert");
    const name = document.createElement("span");
    name.className = "visually-hidden"; // the alert is read alone: say which file
    name.textContent = `${row.querySelector(".job-name").textContent}: `;
    line.append(name, message);
    status.append(line);
  }

  input.addEventListener("change", () => {
    if (input.files.length) addFiles([...input.files]);
    input.value = ""; // the same file may be chosen again
  });

  // Dropping anywhere on the page must not open the file in the browser.
  const carriesFiles = (event) => [...(event.dataTransfer?.types || [])].includes("Files");
  for (const name of ["dragover", "drop"]) {
    window.addEventListener(name, (event) => {
      if (carriesFiles(event)) event.preventDefault();
    });
  }
  zone.addEventListener("dragenter", (event) => {
    if (carriesFiles(event)) zone.classList.add("dragging");
  });
  zone.addEventListener("dragover", (event) => {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "copy";
    zone.classList.add("dragging");
  });
  zone.addEventListener("dragleave", (event) => {
    if (!zone.contains(event.relatedTarget)) zone.classList.remove("dragging");
  });
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("dragging");
    if (event.dataTransfer.files.length) addFiles([...event.dataTransfer.files]);
  });

  // A refused answer (a wrong password, a customer the user may not file to) is shown in the
  // form that asked: the server points htmx at it with HX-Retarget.
  document.body.addEventListener("htmx:beforeSwap", (event) => {
    const xhr = event.detail.xhr;
    if (xhr.status >= 400 && xhr.status < 500 && xhr.getResponseHeader("HX-Retarget")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // Suggested tags: one click adds them to the tags field of the same form.
  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-add-tag]");
    if (!button) return;
    const field = button.closest("form").elements.tags;
    const tags = field.value.split(/[,，]/).map((tag) => tag.trim()).filter(Boolean);
    if (!tags.includes(button.dataset.addTag)) tags.push(button.dataset.addTag);
    field.value = tags.join(", ");
    button.disabled = true;
  });
})();
