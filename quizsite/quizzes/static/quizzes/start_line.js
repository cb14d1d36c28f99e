// The start page of a student in line: count the seconds down in the message and
// press Start again when they are over (the server said how long with Retry-After).
(function () {
  "use strict";
  var note = document.getElementById("in-line");
  var form = document.getElementById("start-again");
  if (!note || !form) return;
  var left = parseInt(note.getAttribute("data-wait"), 10) || 1;
  var text = note.textContent;
  var tick = function () {
    left -= 1;
    if (left <= 0) {
      form.submit();
      return;
    }
    note.textContent = text.replace(/retrying in \d+ s/, "retrying in " + left + " s");
    window.setTimeout(tick, 1000);
  };
  window.setTimeout(tick, 1000);
})();
