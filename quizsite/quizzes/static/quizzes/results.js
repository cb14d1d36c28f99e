// Results page while code answers are being graded: ask the light progress address
// (how many answers are still being graded, the expected wait, when to ask again)
// and fetch the page again only when that number changed, to swap in the results
// section. Scores and feedback appear by themselves without a reload that would move
// the reader's focus, and a class waiting together does not ask for whole pages
// every few seconds.
(() => {
  "use strict";
  const FALLBACK_MS = 5000;

  async function swapInPage() {
    const current = document.getElementById("results");
    const response = await fetch(window.location.href, { credentials: "same-origin" });
    if (!response.ok) return false;
    const doc = new DOMParser().parseFromString(await response.text(), "text/html");
    const fresh = doc.getElementById("results");
    if (!fresh) return false;
    if (fresh.outerHTML !== current.outerHTML) current.replaceWith(fresh);
    if (fresh.dataset.grading !== "pending") {
      const note = document.getElementById("results-announcer");
      if (note) note.textContent = "Grading finished. Your score is shown.";
      return true;
    }
    return false;
  }

  async function poll() {
    const current = document.getElementById("results");
    if (!current || current.dataset.grading !== "pending") return;
    let delay = FALLBACK_MS;
    try {
      const response = await fetch(current.dataset.progressUrl, {
        credentials: "same-origin",
        cache: "no-store",
      });
      if (response.ok) {
        const body = await response.json();
        delay = Math.max(1, Number(body.poll_after) || 5) * 1000;
        // Changed, or none left: the page may have been drawn while the last answer
        // was being stored, still saying "grading" with nothing left to wait for.
        if (String(body.pending) !== current.dataset.pending || body.pending === 0) {
          if (await swapInPage()) return;
        } else {
          const wait = current.querySelector(".wait-estimate");
          if (wait && body.wait) wait.textContent = body.wait;
        }
      }
    } catch (e) {
      // Network blip: ask again later.
    }
    window.setTimeout(poll, delay);
  }
  window.setTimeout(poll, 1500);
})();
