// A finished attempt's page: drop whatever the attempt page kept in this browser's
// storage for it. Nothing there can count any more, and on a shared lab computer the
// next person should not find it.
(() => {
  "use strict";
  const el = document.querySelector("[data-finished-attempt]");
  if (!el) return;
  try {
    window.localStorage.removeItem(`quizsite:attempt:${el.dataset.finishedAttempt}`);
  } catch (e) {
    // Storage disabled: nothing was kept.
  }
})();
