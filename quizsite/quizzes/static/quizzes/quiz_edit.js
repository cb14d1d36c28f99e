// The quiz form: "Add a pool" (a copy of the formset's empty form, numbered next), and
// each pool's question picker: a search over titles, ids and topics, counts of the
// chosen questions per topic, and prompts previewed in place. Without this script the
// form still shows one empty pool each time it is loaded, the picker is a plain
// grouped checklist, and "Preview" opens the question in the bank.
(() => {
  "use strict";

  function setUpPicker(picker) {
    const tools = picker.querySelector(".picker-tools");
    const search = picker.querySelector(".picker-search");
    const shown = picker.querySelector(".picker-shown");
    const groups = [...picker.querySelectorAll(".picker-group")];
    const items = [...picker.querySelectorAll(".picker-item")];
    if (tools) tools.hidden = false;

    function counts() {
      for (const group of groups) {
        const chosen = group.querySelectorAll("input[type=checkbox]:checked").length;
        group.querySelector(".picker-chosen").textContent = `${chosen} chosen`;
        group.classList.toggle("has-chosen", chosen > 0);
      }
    }

    // Every word typed must appear in the question's title, id, topics or type.
    function filter() {
      const words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
      let visible = 0;
      for (const item of items) {
        const hit = words.every((w) => item.dataset.search.includes(w));
        item.hidden = !hit;
        if (hit) visible += 1;
      }
      for (const group of groups) {
        const any = group.querySelector(".picker-item:not([hidden])");
        group.hidden = !any;
        if (words.length && any) group.open = true;
      }
      shown.textContent = words.length
        ? `${visible} question${visible === 1 ? "" : "s"} match${visible === 1 ? "es" : ""}`
        : "";
    }

    function togglePreview(button) {
      const target = document.getElementById(button.getAttribute("aria-controls"));
      const open = button.getAttribute("aria-expanded") !== "true";
      if (open && !target.childElementCount) {
        const source = document.getElementById(button.dataset.preview);
        if (source) target.append(source.content.cloneNode(true));
      }
      target.hidden = !open;
      button.setAttribute("aria-expanded", String(open));
    }

    // The bank link becomes a button that shows the prompt under the question.
    for (const link of picker.querySelectorAll(".picker-preview-link")) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "link picker-preview-toggle";
      button.innerHTML = link.innerHTML;
      button.dataset.preview = link.dataset.preview;
      button.setAttribute("aria-controls", link.dataset.target);
      button.setAttribute("aria-expanded", "false");
      button.addEventListener("click", () => togglePreview(button));
      link.replaceWith(button);
    }
    picker.addEventListener("change", counts);
    if (search) {
      search.addEventListener("input", filter);
      // Enter in the search box must not submit the whole quiz form.
      search.addEventListener("keydown", (event) => {
        if (event.key === "Enter") event.preventDefault();
      });
    }
    counts();
  }

  for (const picker of document.querySelectorAll(".picker")) setUpPicker(picker);

  const button = document.getElementById("add-pool");
  const template = document.getElementById("pool-template");
  const total = document.getElementById("id_pools-TOTAL_FORMS");
  const pools = document.getElementById("pools");
  if (!button || !template || !total || !pools) return;
  button.hidden = false;
  button.addEventListener("click", () => {
    const index = Number(total.value);
    const html = template.innerHTML.replace(/__prefix__/g, String(index));
    pools.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    const added = pools.lastElementChild;
    added.querySelector("legend").textContent = `Pool ${index + 1}`;
    const picker = added.querySelector(".picker");
    if (picker) setUpPicker(picker);
    const first = added.querySelector("select, input:not([type=hidden])");
    if (first) first.focus();
  });
})();
