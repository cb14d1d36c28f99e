// The similarity page while a comparison runs: poll its progress, reload when done.
(function () {
  "use strict";
  const box = document.querySelector(".similarity-progress[data-status-url]");
  if (!box) return;
  const bar = box.querySelector("progress");
  const text = box.querySelector("[data-progress-text]");
  let failures = 0;

  async function poll() {
    try {
      const response = await fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" } });
      if (!response.ok) throw new Error(String(response.status));
      const state = await response.json();
      failures = 0;
      if (state.finished) {
        window.location.reload();
        return;
      }
      if (state.total) {
        bar.max = state.total;
        bar.value = state.done;
        text.textContent = `Read ${state.done} of ${state.total} answers…`;
      }
    } catch (err) {
      failures += 1;
      if (failures >= 5) {
        text.textContent = "Lost touch with the server; reload the page to see how far it got.";
        return;
      }
    }
    window.setTimeout(poll, 1500);
  }
  window.setTimeout(poll, 1000);
})();
