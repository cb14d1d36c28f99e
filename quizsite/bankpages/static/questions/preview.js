// Staff preview while tried code is being graded by the workers: fetch the page again
// every few seconds and swap in the result section only, so the editor (and anything
// typed in it meanwhile) stays as it is.
(() => {
  "use strict";
  let delay = 1000;

  async function poll() {
    const current = document.getElementById("grader-result");
    if (!current || current.dataset.grading !== "pending") return;
    try {
      const response = await fetch(window.location.href, { credentials: "same-origin" });
      if (response.ok) {
        const doc = new DOMParser().parseFromString(await response.text(), "text/html");
        const fresh = doc.getElementById("grader-result");
        // Swap only when something changed (queued -> running -> done).
        if (fresh && fresh.outerHTML !== current.outerHTML) {
          current.replaceWith(fresh);
          if (fresh.dataset.grading !== "pending") {
            const note = document.getElementById("grader-announcer");
            if (note) note.textContent = "Grading finished. The result is shown.";
            return;
          }
        }
      }
    } catch (e) {
      // Network blip: ask again later.
    }
    delay = Math.min(5000, delay * 1.3);
    window.setTimeout(poll, delay);
  }
  window.setTimeout(poll, delay);
})();
