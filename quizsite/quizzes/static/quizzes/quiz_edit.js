// "Add a pool" on the quiz form: a copy of the formset's empty form, numbered next.
// Without this script the form still shows one empty pool each time it is loaded.
(() => {
  "use strict";
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
    const first = added.querySelector("select, input");
    if (first) first.focus();
  });
})();
