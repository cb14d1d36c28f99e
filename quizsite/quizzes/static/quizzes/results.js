// Results page while code answers are being graded: fetch the page again every few
// seconds and swap in the results section, so scores and feedback appear by
// themselves without a reload that would move the reader's focus.
(() => {
  "use strict";
  let delay = 1500;

  async function poll() {
    const current = document.getElementById("results");
    if (!current || current.dataset.grading !== "pending") return;
    try {
      const response = await fetch(window.location.href, { credentials: "same-origin" });
      if (response.ok) {
        const doc = new DOMParser().parseFromString(await response.text(), "text/html");
        const fresh = doc.getElementById("results");
        // Swap only when something changed, so a reader is not disturbed every poll.
        if (fresh && fresh.outerHTML !== current.outerHTML) {
          current.replaceWith(fresh);
          if (fresh.dataset.grading !== "pending") {
            const note = document.getElementById("results-announcer");
            if (note) note.textContent = "Grading finished. Your score is shown.";
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
