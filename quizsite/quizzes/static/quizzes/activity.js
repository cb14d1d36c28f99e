// The attempt page's activity log: when the page loses and regains focus, and the
// size of what is pasted into an answer (never its text), sent in small batches to
// the attempt's activity endpoint. It only records: a failure here never touches
// the attempt, and nothing is retried beyond the next batch.
//
// Focus: "blur"/"focus" events on the window, and document.hasFocus() polled every
// second, since switching to another program does not always fire them (and the
// Page Visibility API misses it altogether when the window stays visible).
(function () {
  "use strict";
  const script = document.currentScript;
  const url = script && script.dataset.activityUrl;
  const root = document.getElementById("attempt");
  if (!url || !root) return;
  const csrfInput = root.querySelector("input[name=csrfmiddlewaretoken]");
  const csrf = csrfInput ? csrfInput.value : "";
  const MAX_BATCH = 50; // the server's bound per report
  const SEND_EVERY_MS = 5000;
  let queue = [];
  let focused = document.hasFocus();

  function record(kind, extra) {
    if (queue.length >= 200) queue.shift(); // a long offline spell keeps the newest
    queue.push(Object.assign({ kind: kind, t: performance.now() }, extra || {}));
  }

  function setFocus(now) {
    if (now === focused) return;
    focused = now;
    record(now ? "focus" : "blur");
    if (now) send(); // back on the page: report at once
  }

  window.addEventListener("blur", function () { setFocus(false); });
  window.addEventListener("focus", function () { setFocus(true); });
  window.setInterval(function () { setFocus(document.hasFocus()); }, 1000);

  root.addEventListener("paste", function (event) {
    const data = event.clipboardData ? event.clipboardData.getData("text") : "";
    const question = event.target.closest ? event.target.closest("[data-position]") : null;
    record("paste", {
      size: data.length,
      position: question ? Number(question.dataset.position) || undefined : undefined,
    });
    window.setTimeout(send, 0);
  }, true);

  function body(batch) {
    const now = performance.now();
    return JSON.stringify({
      events: batch.map(function (e) {
        const out = { kind: e.kind, ago: Math.max(0, Math.round(now - e.t)) };
        if (e.size !== undefined) out.size = e.size;
        if (e.position !== undefined) out.position = e.position;
        return out;
      }),
    });
  }

  let sending = false;
  async function send() {
    if (sending || !queue.length) return;
    sending = true;
    const batch = queue.slice(0, MAX_BATCH);
    try {
      const response = await fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
        body: body(batch),
      });
      // Stored, or refused for good (400, 403, 404): either way not sent again.
      // Rate limited (429) or a server error: kept for the next batch.
      if (response.status !== 429 && response.status < 500) queue = queue.slice(batch.length);
    } catch (err) {
      // Offline: the events wait for the next batch.
    } finally {
      sending = false;
    }
  }
  window.setInterval(send, SEND_EVERY_MS);

  // Leaving the page: what is left goes with the page's last request. sendBeacon
  // cannot set the CSRF header, so this is a keepalive fetch.
  window.addEventListener("pagehide", function () {
    if (!queue.length) return;
    try {
      fetch(url, {
        method: "POST",
        keepalive: true,
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
        body: body(queue.slice(0, MAX_BATCH)),
      });
    } catch (err) {
      // Nothing to do: the log is a hint, never a condition.
    }
  });
})();
