// Keeps the dispatcher's board live without reloading it (no inline script: the CSP forbids it).
//
// Every POLL_MS the board asks dispatch.board_live whether anything changed since the
// fingerprint it shows (data-version); the answer is that fingerprint alone, or, when it
// changed, the board's live part rendered by the same template as the page, swapped in whole.
// What it avoids:
// - polling a hidden tab: it stops while hidden and asks at once when shown again;
// - two requests at once: the next poll is scheduled only when the last one has ended;
// - wiping a note being typed: while a "Đã xử lý" form is open or holds text, or a field has
//   focus, the new part waits (the fingerprint is not taken, so the next poll brings it again);
// - a silent stale board: a failed poll shows #board-status until one succeeds;
// - an expired session: the server answers 401 or sends to the login page, so the page reloads
//   and the dispatcher sees the login form.
(function () {
  "use strict";
  const live = document.getElementById("board-live");
  if (!live || !window.fetch) return;
  const status = document.getElementById("board-status");
  const POLL_MS = 2000;
  let timer = null;
  let polling = false;

  function busyHere() {
    const focused = document.activeElement;
    if (focused && live.contains(focused) && focused.matches("textarea, input, select, button")) return true;
    if (live.querySelector("details[open]")) return true;
    return Array.from(live.querySelectorAll("textarea")).some((field) => field.value.trim() !== "");
  }

  function schedule() {
    if (timer === null && !polling && !document.hidden) timer = window.setTimeout(poll, POLL_MS);
  }

  async function poll() {
    timer = null;
    if (document.hidden) return;
    polling = true;
    try {
      const url = live.dataset.liveUrl + "?since=" + encodeURIComponent(live.dataset.version || "");
      const response = await fetch(url, { headers: { Accept: "application/json" }, cache: "no-store",
                                          credentials: "same-origin" });
      if (response.status === 401 || response.redirected) {
        window.location.reload();
        return;
      }
      if (!response.ok) throw new Error("board poll answered " + response.status);
      const answer = await response.json();
      if (typeof answer.html === "string" && !busyHere()) {
        live.innerHTML = answer.html;
        live.dataset.version = answer.version;
      }
      if (status) status.hidden = true;
    } catch (error) {
      if (status) status.hidden = false;
    } finally {
      polling = false;
      schedule();
    }
  }

  document.addEventListener("visibilitychange", () => {
    if (document.hidden) {
      window.clearTimeout(timer);
      timer = null;
    } else if (timer === null && !polling) {
      poll();
    }
  });
  schedule();
})();
