// The attempt page's question list, "Flag for review" and one question per page.
//
// The list links to each question and shows which are answered and flagged; it reads
// the answers from the page itself (the inputs, the code editors and the save states
// that attempt.js keeps), so it never needs attempt.js to call it. Flags are stored on
// the server with the answer, so a reload or a second tab shows them too. Without
// this script every question is on the page and the list is a plain list of links.
// A flag set in one tab shows at once in the attempt's other tabs (BroadcastChannel).
(() => {
  "use strict";
  const root = document.getElementById("attempt");
  const nav = document.getElementById("qnav");
  if (!root || !nav) return;

  const sections = [...root.querySelectorAll(".question")];
  const links = new Map(
    [...nav.querySelectorAll(".qnav-link")].map((a) => [a.dataset.position, a]),
  );
  const count = document.getElementById("qnav-count");
  const announcer = document.getElementById("announcer");
  const paged = root.dataset.onePerPage === "true";
  const csrf = root.querySelector("input[name=csrfmiddlewaretoken]");

  function announce(text) {
    if (!announcer) return;
    announcer.textContent = "";
    window.setTimeout(() => { announcer.textContent = text; }, 50);
  }

  // ---- answered or not -------------------------------------------------------------

  function valueOf(section) {
    switch (section.dataset.type) {
      case "choice":
        return section.querySelector("input[type=radio]:checked") ? "x" : "";
      case "multi":
        return section.querySelector("input[type=checkbox]:checked") ? "x" : "";
      case "code": {
        const cm = section.querySelector(".CodeMirror");
        const text = cm && cm.CodeMirror ? cm.CodeMirror.getValue() : section.querySelector("textarea").value;
        // Code still equal to the starter code is not an answer yet: the rule of
        // grading.is_answered on the server (ASCII whitespace aside), as attempt.js has it.
        const squash = (t) => t.replace(/[ \t\n\r\f\v]+/g, "");
        return squash(text) === squash(section.dataset.starter || "") ? "" : text;
      }
      default: {
        const input = section.querySelector(".answer-input");
        return input ? input.value : "";
      }
    }
  }

  function statusText(link) {
    const answered = link.dataset.answered === "true" ? ", answered" : ", not answered";
    return answered + (link.dataset.flagged === "true" ? ", flagged for review" : "");
  }

  function refreshCount() {
    const all = [...links.values()];
    const answered = all.filter((a) => a.dataset.answered === "true").length;
    const flagged = all.filter((a) => a.dataset.flagged === "true").length;
    if (count) {
      count.textContent = `${answered} of ${all.length} answered` + (flagged ? ` · ${flagged} flagged` : "");
    }
  }

  function refresh(section) {
    const link = links.get(section.dataset.position);
    if (!link) return;
    link.dataset.answered = String(valueOf(section).trim() !== "");
    link.querySelector(".qnav-status").textContent = statusText(link);
    refreshCount();
  }

  for (const section of sections) {
    // CodeMirror applies a keystroke after the input event: read the value just after.
    const later = () => window.setTimeout(() => refresh(section), 0);
    section.addEventListener("input", later);
    section.addEventListener("change", later);
    section.addEventListener("keyup", later);
    // attempt.js marks every save, restore and "keep the other tab's version" here.
    const state = section.querySelector(".save-state");
    if (state) new MutationObserver(later).observe(state, { attributes: true, childList: true });
  }
  // attempt.js builds the editors and restores unsaved local answers as it starts.
  window.setTimeout(() => sections.forEach(refresh), 0);

  // ---- flags -----------------------------------------------------------------------

  function showFlag(button, flagged) {
    button.setAttribute("aria-pressed", String(flagged));
    const link = links.get(button.dataset.position);
    if (link) {
      link.dataset.flagged = String(flagged);
      link.querySelector(".qnav-status").textContent = statusText(link);
    }
    refreshCount();
  }

  async function toggleFlag(button) {
    const flagged = button.getAttribute("aria-pressed") !== "true";
    showFlag(button, flagged);
    button.disabled = true;
    try {
      const response = await fetch(root.dataset.flagUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf ? csrf.value : "" },
        body: JSON.stringify({ position: Number(button.dataset.position), flagged }),
      });
      const body = await response.json().catch(() => ({}));
      if (!response.ok) throw new Error(body.message || "The flag could not be saved.");
      showFlag(button, body.flagged);
      if (channel) channel.postMessage({ position: button.dataset.position, flagged: body.flagged });
    } catch (error) {
      showFlag(button, !flagged);
      announce(error.message && error.message !== "Failed to fetch"
        ? error.message : "The flag could not be saved; check your connection and try again.");
    } finally {
      button.disabled = false;
      button.focus();
    }
  }

  // Other tabs of this attempt show a flag as soon as it is stored.
  const channel = "BroadcastChannel" in window
    ? new BroadcastChannel(`quizsite:attempt-flags:${root.dataset.attemptId}`) : null;
  const flagButtons = new Map();
  for (const button of root.querySelectorAll(".flag-toggle")) {
    button.hidden = false;
    button.addEventListener("click", () => toggleFlag(button));
    flagButtons.set(button.dataset.position, button);
  }
  if (channel) {
    channel.addEventListener("message", (event) => {
      const button = flagButtons.get(String(event.data && event.data.position));
      if (button) showFlag(button, Boolean(event.data.flagged));
    });
  }

  // ---- one question per page -------------------------------------------------------

  function sectionFor(hash) {
    const id = (hash || "").replace(/^#/, "");
    return sections.find((s) => s.id === id) || null;
  }

  function show(section, { focus }) {
    for (const s of sections) s.hidden = s !== section;
    for (const [position, link] of links) {
      if (position === section.dataset.position) link.setAttribute("aria-current", "step");
      else link.removeAttribute("aria-current");
    }
    // An editor drawn while hidden has no size: draw it again now that it shows.
    const cm = section.querySelector(".CodeMirror");
    if (cm && cm.CodeMirror) cm.CodeMirror.refresh();
    if (focus) section.querySelector("h2").focus();
  }

  function go(hash, focus) {
    const section = sectionFor(hash);
    if (!section) return;
    if (paged) {
      show(section, { focus });
      if (window.location.hash !== hash) history.replaceState(null, "", hash);
    } else {
      section.scrollIntoView({ block: "start" });
      if (focus) section.querySelector("h2").focus({ preventScroll: true });
    }
  }

  // Links of the list and of the pager move to their question and put the keyboard
  // on its heading, so Tab continues inside the question the student chose.
  document.addEventListener("click", (event) => {
    const link = event.target.closest(".qnav-link, .pager a");
    if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey) return;
    event.preventDefault();
    go(link.getAttribute("href"), true);
  });

  if (paged) {
    root.classList.add("paged");
    for (const pager of root.querySelectorAll(".pager")) pager.hidden = false;
    show(sectionFor(window.location.hash) || sections[0], { focus: false });
    window.addEventListener("hashchange", () => go(window.location.hash, true));
  }
})();
