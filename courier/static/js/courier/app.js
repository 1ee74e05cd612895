// The courier's app: a hash router over views drawn from IndexedDB, the status bar
// (network, captures waiting), and the triggers that download the round and send the outbox.
import * as DB from "./db.js";
import { notify, t } from "./dom.js";
import { warmQrDrawer } from "./citizen_link.js";
import { showDay } from "./day.js";
import { showDoor } from "./door.js";
import { showReceipt, showRefusal } from "./door_end.js";
import { showFail } from "./fail.js";
import { registerWorker } from "./pwa.js";
import { showHandover } from "./handover.js";
import { isPickup } from "./pickup.js";
import { currentRound, downloadRound } from "./round.js";
import { showRound } from "./round_view.js";
import { showScan } from "./scan_view.js";
import { warmScanner } from "./scan.js";
import { checkStorage, claimPhone, guardLogout, storageWarning } from "./session.js";
import { showStop } from "./stop_view.js";
import { showTakeOut } from "./takeout_view.js";
import { startSync, syncNow } from "./sync.js";

// [pattern, view, needs a stop, redrawn when the data changes, bottom-nav item]
const ROUTES = [
  [/^#\/?$/, showRound, false, true, "round"],
  [/^#\/scan$/, showScan, false, false, "scan"],
  [/^#\/takeout$/, showTakeOut, false, false, "round"],
  [/^#\/stop\/([\w-]+)$/, showStop, true, true, "round"],
  [/^#\/handover\/([\w-]+)$/, showHandover, true, false, "round"],
  [/^#\/fail\/([\w-]+)$/, showFail, true, false, "round"],
  [/^#\/pickup\/([\w-]+)$/, showDoor, true, false, "round"],
  [/^#\/pickup-refused\/([\w-]+)$/, showRefusal, true, false, "round"],
  [/^#\/receipt\/([\w-]+)$/, showReceipt, true, false, "round"],
  [/^#\/day$/, showDay, false, true, "day"],
];
const view = document.getElementById("view");
let leave = null;
let live = false;
let generation = 0;
let arrivalNotice = "";
let serverAnswers = true;  // until a call says otherwise
let sentNotice = "";  // the "sent N" notice on show, if any
let probe = null;
const PROBE_MS = 30_000;

/** Draw the view the hash names. `keepScroll` for a redraw of the same view. */
async function route({ keepScroll = false } = {}) {
  const drawing = ++generation;
  const hash = window.location.hash || "#/";
  const [pattern, show, needsStop, redraw, nav] = ROUTES.find(([p]) => p.test(hash)) || ROUTES[0];
  const round = await currentRound();
  if (drawing !== generation) return;  // the courier moved on while we read
  const scroll = window.scrollY;
  if (leave) leave();
  leave = null;
  view.replaceChildren();
  document.querySelectorAll("[data-nav]").forEach((link) => link.classList.toggle("current", link.dataset.nav === nav));
  const id = (hash.match(pattern) || [])[1];
  const stop = needsStop && round ? round.stops.find((item) => item.shipment_id === id) : null;
  live = redraw;
  if (needsStop && !stop) {
    notify(t("stop_not_found"));
    return;
  }
  const forPickups = [showDoor, showRefusal, showReceipt].includes(show);
  if ((show === showHandover || show === showFail || forPickups) && isPickup(stop) !== forPickups) {
    // A pickup has no hand-over and no failed delivery, a result no door checklist (an old link,
    // a typed address): its stop instead.
    window.location.replace(`#/stop/${stop.shipment_id}`);
    return;
  }
  leave = (await show(view, { round, stop, go, refresh })) || null;
  window.scrollTo(0, keepScroll ? scroll : 0);
}

/** Go to a view, with a notice for the courier (e.g. "saved"). */
function go(hash, message = "") {
  if (window.location.hash === hash) {
    notify(message);
    route();
  } else {
    arrivalNotice = message;  // shown once the hashchange lands (which clears older notices)
    window.location.hash = hash;
  }
}

/** The data changed: update the status bar, and redraw the view unless it is a form being filled. */
async function refresh() {
  const entries = await DB.outboxEntries();
  document.getElementById("pending").textContent = t("pending", { count: entries.length });
  document.getElementById("pending").dataset.count = String(entries.length);
  document.getElementById("sync-now").hidden = entries.length === 0;
  if (live) await route({ keepScroll: true });
}

/**
 * The status bar's connection pill. "Có mạng" (navigator.onLine) says nothing about our
 * server: a phone on a working network whose last send or round download got no answer
 * is told "Không kết nối được máy chủ", apart from "Mất mạng" (no network at all).
 */
function showNetwork() {
  const state = !navigator.onLine ? "offline" : serverAnswers ? "online" : "unreachable";
  const element = document.getElementById("net-state");
  element.dataset.state = state;
  element.textContent = t(state);
  if (state !== "online") clearSentNotice();
  clearTimeout(probe);
  // Nothing else may ask the server again soon (an empty outbox sends nothing): ask ourselves.
  if (state === "unreachable") probe = setTimeout(checkServer, PROBE_MS);
}

/** Record whether the server answered the last call that could tell (a send or the round). */
function serverAnswered(answered) {
  serverAnswers = answered;
  showNetwork();
}

/** Download the round: it refreshes the stops and says whether the server answers. */
async function checkServer() {
  const outcome = await downloadRound();
  if (outcome === "login") report({ stopped: "login" });
  serverAnswered(outcome === "ok" || outcome === "login");
  if (outcome === "ok") await sync();  // what waited in the outbox goes now, and the views redraw
  return outcome;
}

/** "Đã gửi 2 bản ghi" is stale once the connection is lost: take it down. */
function clearSentNotice() {
  const notice = document.getElementById("notice");
  if (sentNotice && !notice.hidden && notice.textContent === sentNotice) notify("");
  sentNotice = "";
}

/** Tell the courier what a send achieved: how many went, or that a login is needed first. */
function report(result) {
  const loginNeeded = result.stopped === "login";
  document.getElementById("login-again").hidden = !loginNeeded;
  // Without a network the send was not even tried: that says nothing about the server.
  if ((result.stopped === "offline" || result.stopped === "retry") && navigator.onLine) serverAnswered(false);
  else if (result.sent || result.held || loginNeeded) serverAnswered(true);
  if (loginNeeded) notify(t("login_needed"));
  else if (result.sent) {
    sentNotice = t("synced", { count: result.sent });
    notify(sentNotice);
  }
}

async function sync() {
  report(await syncNow());
  await refresh();
}

async function start() {
  await claimPhone();
  guardLogout();
  showNetwork();
  window.addEventListener("online", () => { showNetwork(); checkServer(); });
  window.addEventListener("offline", showNetwork);
  window.addEventListener("hashchange", () => {
    notify(arrivalNotice);
    arrivalNotice = "";
    route();
  });
  // Sends by this page, another tab or the service worker all announce themselves here.
  startSync((event) => {
    if (event.data && event.data.type === "flushed") report(event.data.result);
    refresh();
  });
  document.getElementById("sync-now").addEventListener("click", sync);
  // The first time, wait for the round; after that draw the kept copy at once.
  const kept = await DB.getRound();
  const download = downloadRound();
  if (!kept) await download;
  await route();
  await refresh();
  // The decoder loads while the courier reads the round, not when the camera opens.
  const idle = window.requestIdleCallback || ((run) => setTimeout(run, 500));
  idle(() => warmScanner(), { timeout: 3000 });
  idle(() => warmQrDrawer(), { timeout: 5000 });  // the citizen's QR at an offline door
  const outcome = await download;
  if (outcome === "login") report({ stopped: "login" });
  // "offline" with navigator.onLine true: the network is there, our server is not.
  serverAnswered(outcome !== "offline" && outcome !== "error");
  if (outcome === "ok" && kept) await refresh();
  await sync();
  const warning = storageWarning(await checkStorage().catch(() => null));
  if (warning) notify(warning);
}

registerWorker();
start();
