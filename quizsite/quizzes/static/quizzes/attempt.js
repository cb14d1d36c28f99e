// The attempt page: server-synced countdown, autosave with a retry queue kept in
// localStorage, CodeMirror for code answers, "run the visible tests", auto-submit,
// and two tabs on one attempt kept from overwriting each other's newer answers.
//
// The server is the only clock that counts. The page receives seconds_left when it
// loads, from every autosave response and from a light poll (on focus, when the
// network returns, and after QUIZ_TIME_POLL_SECONDS without a save's reply), which
// also tells it when staff moved the deadline; the browser only measures the time
// elapsed since then (performance.now(), which is monotonic) to draw the countdown.
// A save's reply carries the deadline too, so a page that is saving needs no poll: a
// class typing answers sends a third fewer requests. Before submitting by itself the
// page asks the server once more.
(() => {
  "use strict";

  const root = document.getElementById("attempt");
  if (!root) return;

  const TYPING_DELAY_MS = 1000;
  const RETRY_MAX_MS = 15000;
  const FLUSH_TIMEOUT_MS = 8000;
  const WARNINGS = [300, 60];
  const SLOW_REPLY_MS = 5000;
  const RETRY_AFTER_MAX_MS = 60000;

  const cfg = {
    attemptId: root.dataset.attemptId,
    autosaveUrl: root.dataset.autosaveUrl,
    submitForm: document.getElementById("submit-form"),
    csrf: root.querySelector("input[name=csrfmiddlewaretoken]").value,
    storageKey: `quizsite:attempt:${root.dataset.attemptId}`,
    timeLeftUrl: root.dataset.timeLeftUrl,
    pollMs: Math.max(1, Number(root.dataset.pollSeconds || 30)) * 1000,
  };
  // The deadline and the staff-added time as this page last heard them: sent with each
  // poll, so the server can say how the deadline moved since.
  const known = {
    deadline: root.dataset.deadline || "",
    added: Number(root.dataset.addedSeconds || 0),
  };
  // One id per load of this page. The server refuses a save based on an older
  // revision only when a different page saved since, so this page's own retries
  // never conflict with each other.
  const pageId = (window.crypto && crypto.randomUUID
    ? crypto.randomUUID()
    : `${Date.now()}-${Math.random()}`).replace(/[^A-Za-z0-9]/g, "").slice(0, 40);
  const announcer = document.getElementById("announcer");
  const banner = document.getElementById("attempt-banner");

  function announce(text) {
    // Clear first so that the same sentence twice is still read out.
    announcer.textContent = "";
    window.setTimeout(() => { announcer.textContent = text; }, 50);
  }

  function showBanner(text, kind, role = "") {
    banner.textContent = text;
    banner.className = `banner ${kind}`;
    banner.dataset.kind = role;
    banner.hidden = false;
  }

  // ---- local store: what was typed and not yet confirmed by the server ------------

  const store = {
    read() {
      try {
        return JSON.parse(window.localStorage.getItem(cfg.storageKey)) || {};
      } catch (e) {
        return {};
      }
    },
    write(data) {
      try {
        window.localStorage.setItem(cfg.storageKey, JSON.stringify(data));
      } catch (e) {
        // Storage full or disabled: autosave still works, only the offline copy is lost.
      }
    },
    put(position, entry) {
      const data = this.read();
      data[position] = entry;
      this.write(data);
    },
    // Drop this page's entry once the server has it; an entry another tab wrote since
    // is that tab's unsent text and stays.
    dropMine(position) {
      const entry = this.read()[position];
      if (entry && entry.page && entry.page !== pageId) return;
      this.drop(position);
    },
    drop(position) {
      const data = this.read();
      delete data[position];
      if (Object.keys(data).length) this.write(data);
      else this.clear();
    },
    clear() {
      try { window.localStorage.removeItem(cfg.storageKey); } catch (e) { /* nothing kept */ }
    },
  };

  // ---- the countdown ---------------------------------------------------------------

  const timerEl = document.getElementById("timer");
  const clock = {
    endsAt: null, // in performance.now() milliseconds
    lastMinute: null,
    warned: new Set(),
    expired: false,
    // Returns how far (ms) the end moved: more than the rounding of whole seconds
    // means the deadline itself changed.
    sync(secondsLeft) {
      if (secondsLeft === null || secondsLeft === undefined || secondsLeft === "") return 0;
      const before = this.endsAt;
      this.endsAt = performance.now() + Number(secondsLeft) * 1000;
      return before === null ? 0 : this.endsAt - before;
    },
    // The deadline moved: the warnings follow the new end. One already passed at the
    // new end is not given again (the change itself was just announced); one still
    // ahead fires when its time comes.
    moved() {
      const left = this.secondsLeft();
      this.warned.clear();
      for (const w of WARNINGS) if (left <= w) this.warned.add(w);
      this.lastMinute = Math.ceil(left / 60);
    },
    secondsLeft() {
      if (this.endsAt === null) return null;
      return Math.max(0, Math.ceil((this.endsAt - performance.now()) / 1000));
    },
  };

  function formatLeft(seconds) {
    const h = Math.floor(seconds / 3600);
    const m = Math.floor((seconds % 3600) / 60);
    const s = seconds % 60;
    const mm = String(m).padStart(h ? 2 : 1, "0");
    return (h ? `${h}:${mm}` : mm) + ":" + String(s).padStart(2, "0");
  }

  function minutesPhrase(minutes) {
    return minutes === 1 ? "1 minute" : `${minutes} minutes`;
  }

  function tick() {
    const left = clock.secondsLeft();
    if (left === null || !timerEl) return;
    timerEl.querySelector(".timer-value").textContent = formatLeft(left);
    timerEl.classList.toggle("warning", left <= 300 && left > 60);
    timerEl.classList.toggle("critical", left <= 60);
    // The nearest warning not given yet; a page opened late gives one warning, not
    // every warning it has already passed.
    const due = WARNINGS.filter((w) => left <= w && left > 0 && !clock.warned.has(w));
    if (due.length) {
      for (const w of due) clock.warned.add(w);
      const minute = Math.ceil(left / 60);
      const text = `${minutesPhrase(minute)} left. Your answers are saved as you type.`;
      showBanner(text, minute <= 1 ? "bad" : "warn", "warning");
      announce(text);
      clock.lastMinute = minute;
      return;
    }
    const minute = Math.ceil(left / 60);
    if (clock.lastMinute !== null && minute !== clock.lastMinute && left > 0) {
      announce(`${minutesPhrase(minute)} left.`);
    }
    clock.lastMinute = minute;
    if (left === 0 && !clock.expired) {
      clock.expired = true;
      timeUp();
    }
  }

  // Ask the server for the time left. When the deadline moved since this page last
  // heard (staff added time, an override or the quiz changed), update the countdown,
  // "Ends at" and the warnings, and tell the student politely. Resolves to the reply,
  // or null when the server could not be reached.
  const endsAtEl = document.getElementById("ends-at");
  let asking = null;
  let lastAsked = -Infinity;
  // When the server last told this page the time left (a poll or a save's reply).
  let lastHeard = performance.now();
  function checkTime() {
    if (!cfg.timeLeftUrl || closed) return Promise.resolve(null);
    if (asking) return asking;
    lastAsked = performance.now();
    const url = `${cfg.timeLeftUrl}?${new URLSearchParams({ seen: known.deadline, added: known.added })}`;
    asking = (async () => {
      try {
        const response = await fetch(url, { credentials: "same-origin", cache: "no-store" });
        if (!response.ok) return null;
        const body = await response.json();
        lastHeard = performance.now();
        const jumped = Math.abs(clock.sync(body.seconds_left)) > 1500;
        if (body.deadline !== known.deadline) {
          known.deadline = body.deadline;
          known.added = body.added_seconds;
          if (endsAtEl && body.ends_at) {
            endsAtEl.setAttribute("datetime", body.deadline);
            endsAtEl.textContent = body.ends_at;
          }
          if (body.message) {
            clock.moved();
            showBanner(body.message, "info", "time");
            announce(body.message);
          }
        } else if (jumped) {
          clock.moved();
        }
        return body;
      } catch (e) {
        return null; // offline: the next poll, the online event or focus asks again
      } finally {
        asking = null;
      }
    })();
    return asking;
  }

  // Asked on focus and when the network returns, but not twice within a few seconds
  // (focus and visibilitychange often come together).
  function checkTimeSoon() {
    if (performance.now() - lastAsked > 2000) checkTime();
  }

  // The poll, once the server has said nothing for an interval (and the page has not
  // asked within one: offline, it asks again an interval later, not every second);
  // saves' replies keep a page that is saving informed.
  function checkTimeIfQuiet() {
    if (performance.now() - Math.max(lastHeard, lastAsked) >= cfg.pollMs) checkTime();
  }

  // A save's reply: the time left, and the deadline and added time as the server has
  // them. A deadline or added time this page has not heard of means staff changed it:
  // the poll says how, to tell the student; a jump in the time left alone (the page
  // slept) only moves the countdown.
  function heardFromSave(body) {
    lastHeard = performance.now();
    const jumped = Math.abs(clock.sync(body.seconds_left)) > 1500;
    const moved = typeof body.deadline === "string"
      && (body.deadline !== known.deadline || body.added_seconds !== known.added);
    if (moved || jumped) checkTime();
  }

  // ---- questions and their values --------------------------------------------------

  const questions = new Map();

  function readValue(q) {
    switch (q.type) {
      case "choice": {
        const checked = q.el.querySelector("input[type=radio]:checked");
        return checked ? checked.value : "";
      }
      case "multi":
        return [...q.el.querySelectorAll("input[type=checkbox]:checked")].map((i) => i.value);
      case "code":
        return q.editor ? q.editor.getValue() : q.el.querySelector("textarea").value;
      default:
        return q.el.querySelector(".answer-input").value;
    }
  }

  function writeValue(q, value) {
    switch (q.type) {
      case "choice":
        for (const i of q.el.querySelectorAll("input[type=radio]")) i.checked = i.value === value;
        break;
      case "multi": {
        const chosen = new Set(Array.isArray(value) ? value : []);
        for (const i of q.el.querySelectorAll("input[type=checkbox]")) i.checked = chosen.has(i.value);
        break;
      }
      case "code":
        if (q.editor) q.editor.setValue(value || "");
        else q.el.querySelector("textarea").value = value || "";
        break;
      default:
        q.el.querySelector(".answer-input").value = value || "";
    }
  }

  // Whether a question is answered: the rule of grading.is_answered on the server
  // (the confirmation and results pages), so the dialog and the results agree. Blank,
  // or a code answer that is still the starter code (ASCII whitespace aside), is not.
  const WHITESPACE = /[ \t\n\r\f\v]+/g;
  function answered(q) {
    const v = readValue(q);
    if (Array.isArray(v)) return v.length > 0;
    const text = String(v === null || v === undefined ? "" : v);
    if (!text.trim()) return false;
    if (q.starter) return text.replace(WHITESPACE, "") !== q.starter.replace(WHITESPACE, "");
    return true;
  }

  function same(a, b) {
    return JSON.stringify(a) === JSON.stringify(b);
  }

  function setState(q, state, text) {
    q.stateEl.dataset.state = state;
    q.stateEl.textContent = text;
  }

  // Times of day are shown in the student's zone (as on every other page), not the
  // browser's; the instant itself comes from the server.
  function timeOfDay(iso) {
    const d = iso ? new Date(iso) : new Date();
    const options = { hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" };
    try {
      return d.toLocaleTimeString([], { ...options, timeZone: root.dataset.tz });
    } catch (e) {
      return d.toLocaleTimeString([], options);
    }
  }

  // ---- autosave --------------------------------------------------------------------

  let closed = false; // the server refused a save: the attempt is over

  // Remember the last value handed to the network for this question. If its answer
  // is lost (the request reached the server, the reply did not) and the student
  // typed on, a reload finds the server holding exactly that value and knows the
  // local text is newer.
  function markSent(q, value) {
    const entry = store.read()[q.position];
    if (entry && entry.dirty && (!entry.page || entry.page === pageId)) {
      store.put(q.position, { ...entry, sent: value });
    }
  }

  function edited(q) {
    if (closed || q.applying) return;
    const value = readValue(q);
    q.dirty = true;
    // Kept locally at once: a reload or a closed tab loses nothing typed.
    const before = store.read()[q.position];
    const sent = before && before.page === pageId ? before.sent : undefined;
    store.put(q.position, { value, base: q.revision, dirty: true, sent, page: pageId });
    setState(q, "pending", "Unsaved changes");
    window.clearTimeout(q.timer);
    const delay = q.type === "choice" || q.type === "multi" ? 0 : TYPING_DELAY_MS;
    q.timer = window.setTimeout(() => send(q), delay);
  }

  async function send(q) {
    window.clearTimeout(q.timer);
    if (closed || !q.dirty) return;
    if (q.inflight) { q.again = true; return; }
    if (q.conflict) { showConflict(q); return; } // the student chooses first
    const value = readValue(q);
    q.inflight = true;
    q.again = false;
    markSent(q, value);
    setState(q, "saving", "Saving…");
    // A slow reply is a delay, not a failure: the save is still on its way.
    const slow = window.setTimeout(() => {
      if (q.inflight) setState(q, "delayed", "Saving… (the server is slow to reply)");
    }, SLOW_REPLY_MS);
    let response = null;
    let body = null;
    try {
      response = await fetch(cfg.autosaveUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": cfg.csrf },
        body: JSON.stringify({ position: q.position, value, revision: q.revision, client: pageId }),
      });
      body = await response.json().catch(() => null);
    } catch (e) {
      response = null; // network down: retried below
    }
    window.clearTimeout(slow);
    q.inflight = false;
    if (body && typeof body.seconds_left === "number" && response && response.status !== 410) {
      heardFromSave(body);
    }

    if (response && response.ok && body && body.accepted) {
      q.revision = body.revision;
      q.failures = 0;
      tell({ position: q.position, revision: body.revision, value, saved_at: body.saved_at });
      if (same(readValue(q), value) && !q.again) {
        q.dirty = false;
        store.dropMine(q.position);
        setState(q, "saved", `Saved at ${timeOfDay(body.saved_at)}`);
        resolveFlushIfIdle();
      } else {
        store.put(q.position, { value: readValue(q), base: q.revision, dirty: true, page: pageId });
        send(q);
      }
      return;
    }
    if (response && body && response.status === 409 && body.conflict) {
      conflicted(q, body);
      return;
    }
    if (response && body && (response.status === 409 || response.status === 410)) {
      refused(q, body.message || "This attempt no longer accepts answers.");
      return;
    }
    if (response && response.status === 400) {
      // The server cannot take this value as it is (too long, wrong form): retrying
      // the same value would not help; the next edit tries again.
      setState(q, "failed", `Not saved: ${(body && body.message) || "the answer was refused"}`);
      announce(`Question ${q.number}: not saved. ${(body && body.message) || ""}`);
      return;
    }
    // The server is busy (429 or 503, usually with Retry-After) or a proxy gave up
    // waiting for it (502, 504): the save is delayed, not lost. Try again when asked.
    if (response && [429, 502, 503, 504].includes(response.status)) {
      q.failures = (q.failures || 0) + 1;
      const backoff = Math.min(RETRY_MAX_MS, 1000 * 2 ** Math.min(q.failures, 4));
      const wait = retryAfterMs(response) ?? backoff;
      setState(q, "delayed", `Saving… (delayed by a busy server, trying again in ${Math.ceil(wait / 1000)} s)`);
      q.timer = window.setTimeout(() => send(q), wait);
      return;
    }
    // Network blip, server error or an expired session: keep the value locally and
    // try again with a growing pause.
    q.failures = (q.failures || 0) + 1;
    const wait = Math.min(RETRY_MAX_MS, 1000 * 2 ** Math.min(q.failures, 4));
    const why = response && (response.status === 401 || response.status === 403)
      ? "Not saved: your session may have ended. Log in again in another tab; retrying"
      : "Not saved yet (kept in this browser), retrying";
    setState(q, "failed", `${why} in ${Math.round(wait / 1000)} s`);
    if (q.failures === 1) announce(`Question ${q.number}: not saved yet. Retrying.`);
    q.timer = window.setTimeout(() => send(q), wait);
  }

  // Retry-After in seconds or as an HTTP date, within reason; null when absent.
  function retryAfterMs(response) {
    const header = response.headers.get("Retry-After");
    if (!header) return null;
    let ms = /^\s*\d+\s*$/.test(header) ? Number(header) * 1000 : Date.parse(header) - Date.now();
    if (!Number.isFinite(ms)) return null;
    ms = Math.min(RETRY_AFTER_MAX_MS, Math.max(1000, ms));
    return ms;
  }

  // ---- two tabs on one attempt ------------------------------------------------------

  // Another tab saved this answer since this page last did, and this page holds
  // different text. Neither version is thrown away (the server logged this one):
  // the student picks which to keep.
  function conflicted(q, body) {
    const first = !q.conflict;
    q.conflict = { revision: body.revision, value: body.value, savedAt: body.saved_at };
    showConflict(q);
    if (first) announce(`Question ${q.number}: ${body.message}`);
    resolveFlushIfIdle();
  }

  function showConflict(q) {
    const c = q.conflict;
    setState(q, "conflict", "Not saved: this answer was changed in another tab");
    let notice = q.el.querySelector(".conflict-notice");
    if (!notice) {
      notice = document.createElement("div");
      notice.className = "conflict-notice banner warn";
      notice.setAttribute("role", "group");
      notice.setAttribute("aria-label", `Question ${q.number}: choose a version`);
      const text = document.createElement("p");
      const keep = document.createElement("button");
      keep.type = "button";
      keep.className = "keep-mine";
      keep.textContent = "Keep this tab's version";
      keep.addEventListener("click", () => keepMine(q));
      const take = document.createElement("button");
      take.type = "button";
      take.className = "take-theirs";
      take.addEventListener("click", () => takeTheirs(q));
      notice.append(text, keep, " ", take);
      (q.el.querySelector("header") || q.stateEl).after(notice);
    }
    notice.querySelector("p").textContent =
      `This answer was changed in another tab or window at ${timeOfDay(c.savedAt)}. ` +
      "What you typed here has not been saved over it.";
    notice.querySelector(".take-theirs").textContent =
      `Use the version saved at ${timeOfDay(c.savedAt)}`;
  }

  function clearConflict(q) {
    q.conflict = null;
    const notice = q.el.querySelector(".conflict-notice");
    if (notice) notice.remove();
  }

  function focusAnswer(q) {
    if (q.editor) q.editor.focus();
    else (q.el.querySelector("input:checked, .answer-input, input, textarea") || q.stateEl).focus();
  }

  function keepMine(q) {
    // Saved on top of the other tab's revision, which this page has now seen.
    q.revision = q.conflict.revision;
    clearConflict(q);
    q.dirty = true;
    store.put(q.position, { value: readValue(q), base: q.revision, dirty: true, page: pageId });
    focusAnswer(q);
    send(q);
  }

  function apply(q, value, revision) {
    q.applying = true; // CodeMirror reports setValue as a change: not an edit
    try { writeValue(q, value); } finally { q.applying = false; }
    q.revision = revision;
  }

  function takeTheirs(q) {
    const c = q.conflict;
    clearConflict(q);
    apply(q, c.value, c.revision);
    q.dirty = false;
    store.dropMine(q.position);
    setState(q, "saved", `Saved at ${timeOfDay(c.savedAt)} (in another tab)`);
    focusAnswer(q);
    resolveFlushIfIdle();
  }

  // Tabs of this attempt tell each other of every save, so a tab the student merely
  // looks at shows the newest answers and saves on top of them. A tab with unsaved
  // text of its own keeps it: its next save meets the conflict above.
  const channel = "BroadcastChannel" in window
    ? new BroadcastChannel(`quizsite:attempt:${cfg.attemptId}`)
    : null;
  function tell(message) {
    if (channel) channel.postMessage({ ...message, page: pageId });
  }
  if (channel) {
    channel.onmessage = (event) => {
      const m = event.data || {};
      const q = questions.get(Number(m.position));
      if (closed || !q || m.page === pageId || !(m.revision > q.revision)) return;
      if (q.dirty || q.inflight || q.conflict) return;
      apply(q, m.value, m.revision);
      setState(q, "saved", `Saved at ${timeOfDay(m.saved_at)} (in another tab)`);
    };
  }

  function refused(q, message) {
    closed = true;
    // The server has ended the attempt: no auto-submit that would navigate away from
    // the message the student needs to read.
    clock.expired = true;
    setState(q, "refused", "Not saved");
    showBanner(message, "bad");
    announce(message);
    store.clear();
    for (const other of questions.values()) {
      window.clearTimeout(other.timer);
      if (other !== q && other.dirty) setState(other, "refused", "Not saved");
    }
    resolveFlushIfIdle(true);
    // Nothing typed from now on could count: say so by making the answers read-only.
    for (const input of root.querySelectorAll(".question input, .question textarea")) {
      input.readOnly = true;
      if (input.type === "radio" || input.type === "checkbox") input.disabled = true;
    }
    for (const other of questions.values()) if (other.editor) other.editor.setOption("readOnly", true);
    const results = root.dataset.resultsUrl;
    if (results) {
      const link = document.createElement("a");
      link.href = results;
      link.textContent = "See your attempt.";
      banner.append(" ", link);
    }
  }

  // Resolves once every question is saved (or the attempt is closed), or on timeout.
  let flushWaiters = [];
  function busy() {
    // A conflict waits for the student's choice, not for the network.
    for (const q of questions.values()) if ((q.dirty && !q.conflict) || q.inflight) return true;
    return false;
  }
  function resolveFlushIfIdle(force) {
    if (!force && busy()) return;
    const waiters = flushWaiters;
    flushWaiters = [];
    for (const w of waiters) w();
  }
  function flush(timeoutMs = FLUSH_TIMEOUT_MS) {
    for (const q of questions.values()) if (q.dirty && !q.inflight && !q.conflict) send(q);
    if (!busy() || closed) return Promise.resolve();
    return new Promise((resolve) => {
      flushWaiters.push(resolve);
      window.setTimeout(resolve, timeoutMs);
    });
  }

  // The tab is hidden or closing: hand pending saves to the browser, which delivers
  // them even after the page is gone. sendBeacon cannot set headers, so the CSRF token
  // travels as a form field. The local copy stays until the server confirms a save.
  function beaconPending() {
    if (closed || !navigator.sendBeacon) return;
    for (const q of questions.values()) {
      if (!q.dirty || q.conflict) continue; // a conflicting version is already logged
      const value = readValue(q);
      const form = new FormData();
      form.append("csrfmiddlewaretoken", cfg.csrf);
      form.append(
        "payload",
        JSON.stringify({ position: q.position, value, revision: q.revision, client: pageId }),
      );
      if (navigator.sendBeacon(cfg.autosaveUrl, form)) markSent(q, value);
    }
  }
  window.addEventListener("pagehide", beaconPending);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") beaconPending();
  });
  window.addEventListener("online", () => {
    for (const q of questions.values()) if (q.dirty) send(q);
    checkTimeSoon();
  });

  // ---- time up, submit -------------------------------------------------------------

  // Submit with fetch rather than a plain form post, so a network blip at this moment
  // leaves the page (and the browser's copy of unsent answers) in place and retries.
  // Resolves to false when the server refused an automatic submit because the time is
  // not up by its clock: the page then carries on.
  async function submitNow(auto) {
    const form = new FormData(cfg.submitForm);
    form.set("confirm", "yes");
    if (auto) form.set("auto", "1");
    for (;;) {
      try {
        const response = await fetch(cfg.submitForm.action, {
          method: "POST",
          credentials: "same-origin",
          body: form,
        });
        if (response.ok) {
          if (!busy()) store.clear();
          window.location.assign(response.url);
          return true;
        }
        if (response.status === 409) {
          const body = await response.json().catch(() => null);
          if (body && body.early) {
            clock.sync(body.seconds_left);
            await checkTime();
            return false;
          }
        }
      } catch (e) {
        // Offline: try again below.
      }
      showBanner(
        "The server could not be reached to submit. Your saved answers are safe; trying again…",
        "bad",
      );
      await new Promise((r) => window.setTimeout(r, 5000));
    }
  }

  async function timeUp() {
    // The server's clock decides: the deadline may have moved since the last poll.
    const now = await checkTime();
    if (now && now.running && now.seconds_left > 0) {
      carryOn();
      return;
    }
    const text = "Time is up. Submitting your answers…";
    showBanner(text, "bad");
    announce(text);
    // Saves still count during the grace period: wait for pending ones up to then.
    const grace = Number(root.dataset.graceSeconds || 0) * 1000;
    await flush(Math.max(FLUSH_TIMEOUT_MS, grace - 2000));
    if (!(await submitNow(true))) carryOn();
  }

  // The server says the time is not up: the countdown goes on from its figure.
  function carryOn() {
    clock.expired = false;
    if (banner.dataset.kind !== "time") banner.hidden = true;
  }

  function setUpSubmit() {
    const dialog = document.getElementById("confirm-submit");
    const open = document.getElementById("open-submit");
    const summary = document.getElementById("confirm-summary");
    const confirmButton = document.getElementById("confirm-yes");
    if (!dialog || !open || typeof dialog.showModal !== "function") return;
    // Without this script the button posts the form and the server asks to confirm.
    open.addEventListener("click", (event) => {
      event.preventDefault();
      const blank = [...questions.values()].filter((q) => !answered(q));
      const split = [...questions.values()].filter((q) => q.conflict);
      summary.textContent = (blank.length
        ? `You have not answered question${blank.length > 1 ? "s" : ""} ${blank.map((q) => q.number).join(", ")}.`
        : "You have answered every question.") + (split.length
        ? ` Question${split.length > 1 ? "s" : ""} ${split.map((q) => q.number).join(", ")} ` +
          `also ${split.length > 1 ? "have versions" : "has a version"} in this tab that ` +
          "is not saved; the version saved from the other tab counts."
        : "");
      // Flags belong to the question list (attempt_nav.js); the pressed flag button of
      // each question says which are flagged.
      const flagged = [...questions.values()].filter((q) =>
        q.el.querySelector(".flag-toggle[aria-pressed=true]"));
      if (flagged.length) {
        summary.textContent += ` You flagged question${flagged.length > 1 ? "s" : ""} ` +
          `${flagged.map((q) => q.number).join(", ")} for review.`;
      }
      dialog.showModal();
    });
    document.getElementById("confirm-no").addEventListener("click", () => dialog.close());
    confirmButton.addEventListener("click", async () => {
      confirmButton.disabled = true;
      confirmButton.textContent = "Saving your answers…";
      await flush();
      dialog.close();
      await submitNow(false);
    });
  }

  // ---- run the visible tests -------------------------------------------------------

  function renderChecks(container, payload) {
    container.replaceChildren();
    const head = document.createElement("p");
    if (payload.status === "error") {
      head.className = "bad";
      head.textContent = payload.message || "The tests could not be run. This is not your fault; try again.";
      container.append(head);
      return;
    }
    const checks = payload.checks || [];
    const passed = checks.filter((c) => c.passed).length;
    head.textContent = `${passed} of ${checks.length} visible test${checks.length === 1 ? "" : "s"} passed.`;
    head.className = passed === checks.length ? "ok" : "bad";
    container.append(head);
    const list = document.createElement("ul");
    list.className = "checks";
    for (const c of checks) {
      const li = document.createElement("li");
      li.className = c.passed ? "passed" : "failed";
      const name = document.createElement("span");
      name.className = "check-name";
      name.textContent = `${c.passed ? "Passed" : "Failed"}: ${c.title || c.name}`;
      li.append(name);
      if (c.feedback) {
        const fb = document.createElement("span");
        fb.className = "check-feedback";
        fb.textContent = c.feedback;
        li.append(fb);
      }
      list.append(li);
    }
    container.append(list);
  }

  async function runTests(q, button) {
    const out = q.el.querySelector(".run-results");
    button.disabled = true;
    out.textContent = "Running the visible tests…";
    if (q.dirty) send(q);
    try {
      const response = await fetch(button.dataset.url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": cfg.csrf },
        body: JSON.stringify({ code: readValue(q) }),
      });
      const body = await response.json().catch(() => ({}));
      if (!response.ok) {
        out.textContent = body.message || "The tests could not be started. Try again in a moment.";
        return;
      }
      let delay = 500;
      for (let i = 0; i < 120; i += 1) {
        await new Promise((r) => window.setTimeout(r, delay));
        delay = Math.min(2000, delay * 1.5);
        const poll = await fetch(body.status_url, { credentials: "same-origin" });
        if (!poll.ok) continue;
        const status = await poll.json();
        if (status.done) { renderChecks(out, status); return; }
        out.textContent = status.status === "running" ? "Running the visible tests…" : "Waiting for a grader…";
      }
      out.textContent = "The tests are taking too long. Try again in a moment.";
    } catch (e) {
      out.textContent = "The network is unavailable; try again in a moment.";
    } finally {
      button.disabled = false;
    }
  }

  // ---- homework: graded tries ------------------------------------------------------

  async function waitSaved(q) {
    if (q.dirty) send(q);
    for (let i = 0; i < 80 && (q.dirty || q.inflight) && !closed; i += 1) {
      await new Promise((r) => window.setTimeout(r, 100));
    }
    return !q.dirty;
  }

  // The try's result as the server renders it: fetch the page and swap this
  // question's result block and its tries row.
  async function refreshTry(q) {
    const response = await fetch(window.location.href, { credentials: "same-origin" });
    if (!response.ok) return;
    const doc = new DOMParser().parseFromString(await response.text(), "text/html");
    for (const selector of [`#q${q.position}-result`, `#q${q.position} .homework-row`]) {
      const fresh = doc.querySelector(selector);
      const current = q.el.querySelector(selector.replace(`#q${q.position} `, ""));
      if (fresh && current) current.replaceWith(fresh);
    }
    const button = q.el.querySelector(".check-answer");
    if (button) button.addEventListener("click", () => checkAnswer(q, button));
  }

  async function checkAnswer(q, button) {
    const out = q.el.querySelector(".try-result");
    button.disabled = true;
    out.textContent = "Saving and grading…";
    try {
      if (!(await waitSaved(q))) {
        out.textContent = "Your answer is not saved yet; try again in a moment.";
        button.disabled = false;
        return;
      }
      const response = await fetch(button.dataset.url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": cfg.csrf },
        body: "{}",
      });
      const body = await response.json().catch(() => ({}));
      if (!response.ok) {
        out.textContent = body.message || "The answer could not be graded now; try again.";
        button.disabled = false;
        return;
      }
      if (body.status_url) {
        out.textContent = "Grading your code…";
        let delay = 500;
        for (let i = 0; i < 120; i += 1) {
          await new Promise((r) => window.setTimeout(r, delay));
          delay = Math.min(2000, delay * 1.5);
          const poll = await fetch(body.status_url, { credentials: "same-origin" });
          const status = poll.ok ? await poll.json() : null;
          if (status && status.done) break;
          // The server's estimate of the wait, or its plain word that it has none.
          if (status) out.textContent = status.wait ? `Grading your code… ${status.wait}` : "Grading your code…";
        }
      }
      await refreshTry(q);
    } catch (e) {
      out.textContent = "The network is unavailable; try again in a moment.";
      button.disabled = false;
    }
  }

  // ---- set-up ----------------------------------------------------------------------

  function setUpQuestion(el) {
    const q = {
      el,
      position: Number(el.dataset.position),
      number: el.dataset.number,
      type: el.dataset.type,
      revision: Number(el.dataset.revision || 0),
      stateEl: el.querySelector(".save-state"),
      starter: el.dataset.starter || "",
      dirty: false,
      inflight: false,
      editor: null,
    };
    questions.set(q.position, q);

    if (q.type === "code" && window.CodeMirror) {
      const textarea = el.querySelector("textarea");
      q.editor = window.CodeMirror.fromTextArea(textarea, {
        mode: "python",
        lineNumbers: true,
        indentUnit: 4,
        tabSize: 4,
        indentWithTabs: false,
        viewportMargin: Infinity,
        inputStyle: "contenteditable",
        extraKeys: {
          Tab: (cm) => cm.execCommand(cm.somethingSelected() ? "indentMore" : "insertSoftTab"),
          "Shift-Tab": (cm) => cm.execCommand("indentLess"),
          // Tab indents inside the editor, so Escape is the keyboard way out of it.
          Esc: () => { (el.querySelector(".run-tests") || q.stateEl).focus(); },
        },
      });
      const input = q.editor.getInputField();
      input.setAttribute("aria-labelledby", textarea.getAttribute("aria-labelledby") || "");
      input.setAttribute("aria-describedby", `hint-${q.position}`);
      q.editor.on("change", () => edited(q));
    } else {
      el.addEventListener(q.type === "choice" || q.type === "multi" ? "change" : "input", () => edited(q));
    }

    const run = el.querySelector(".run-tests");
    if (run) run.addEventListener("click", () => runTests(q, run));
    const checkButton = el.querySelector(".check-answer");
    if (checkButton) checkButton.addEventListener("click", () => checkAnswer(q, checkButton));
    return q;
  }

  function restoreLocal() {
    // The server's value wins unless the local one is newer and unsent: it was typed
    // on top of the revision the server still holds (nothing reached it since), or
    // the server holds exactly the last value this browser sent, so whatever was
    // typed after it is newer.
    const local = store.read();
    for (const [key, entry] of Object.entries(local)) {
      const q = questions.get(Number(key));
      if (!q || !entry || !entry.dirty) { store.drop(key); continue; }
      const server = readValue(q);
      const newer = entry.base >= q.revision || ("sent" in entry && same(entry.sent, server));
      if (newer && !same(entry.value, server)) {
        writeValue(q, entry.value);
        q.dirty = true;
        setState(q, "pending", "Restored from this browser, saving…");
        send(q);
      } else {
        store.drop(key);
      }
    }
  }

  for (const el of root.querySelectorAll(".question")) setUpQuestion(el);
  restoreLocal();
  setUpSubmit();
  clock.sync(root.dataset.secondsLeft);
  if (timerEl && root.dataset.secondsLeft !== "") {
    tick();
    window.setInterval(tick, 250);
    // An idle page hears of added time too, within one interval; a saving page hears
    // of it from the saves' replies.
    window.setInterval(checkTimeIfQuiet, 1000);
    window.addEventListener("focus", checkTimeSoon);
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") checkTimeSoon();
    });
  }
})();
