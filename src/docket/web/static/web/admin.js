// Administration: a tag's sample follows its name and colour inputs as they are changed,
// before anything is saved. (Painting data-color elements is docket.js's paintTags.)
"use strict";

document.addEventListener("input", (event) => {
  const input = event.target;
  const form = input.closest && input.closest("form[data-tag-form]");
  if (!form) {
    return;
  }
  const sample = form.querySelector("[data-tag-sample]");
  const swatch = form.querySelector("[data-tag-swatch]");
  if (input.type === "color" && /^#[0-9a-fA-F]{6}$/.test(input.value)) {
    [sample, swatch].forEach((element) => {
      if (element) {
        element.style.setProperty("--tag-color", input.value);
      }
    });
  } else if (input.type === "text" && sample) {
    sample.textContent = input.value.trim() || sample.dataset.empty || sample.textContent;
  }
});
