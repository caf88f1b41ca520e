// Send the CSRF token with every HTMX request.
document.addEventListener("htmx:configRequest", (event) => {
  const meta = document.querySelector('meta[name="csrf-token"]');
  if (meta) event.detail.headers["X-CSRFToken"] = meta.content;
});

// The language menu switches as soon as a pointer picks a language. Keyboard
// users browse the options with the arrow keys and confirm with Enter, so
// moving through the list never reloads the page (WCAG 3.2.2).
document.addEventListener("keydown", (event) => {
  const select = event.target.closest && event.target.closest(".language-switcher select");
  if (!select) return;
  if (event.key === "Enter") {
    event.preventDefault();
    select.form.requestSubmit();
  } else {
    select.dataset.keyboard = "true";
  }
});
document.addEventListener("change", (event) => {
  const select = event.target.closest && event.target.closest(".language-switcher select");
  if (select && !select.dataset.keyboard) select.form.requestSubmit();
});

// Held spots: "Held until 7:42" is in the page; this adds a live "9:58" countdown
// and, when it runs out, says so and disables the hold's Confirm button.
function tickHoldCountdowns() {
  document.querySelectorAll(".hold-countdown[data-expires-at]").forEach((timer) => {
    const left = Math.floor((Date.parse(timer.dataset.expiresAt) - Date.now()) / 1000);
    timer.hidden = false;
    if (left > 0) {
      const minutes = Math.floor(left / 60);
      timer.textContent = `${minutes}:${String(left % 60).padStart(2, "0")}`;
      return;
    }
    timer.textContent = timer.dataset.expiredText;
    timer.classList.replace("bg-warning-lt", "bg-danger-lt");
    timer.removeAttribute("data-expires-at");
    const holder = timer.closest("[data-hold-id]");
    const scope = holder && (holder.closest("li, [data-session-id]") || holder);
    if (scope) {
      scope.querySelectorAll("form[data-action=confirm] button").forEach((button) => {
        button.disabled = true;
      });
    }
  });
}
document.addEventListener("DOMContentLoaded", () => {
  tickHoldCountdowns();
  setInterval(tickHoldCountdowns, 1000);
});
document.addEventListener("htmx:afterSwap", tickHoldCountdowns);

// A form with data-confirm asks first; cancelling stops the submission. Capture
// runs this before any handler on the form itself (HTMX's included).
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form.matches("form[data-confirm]") && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
    event.stopPropagation();
  }
}, true);

// Read-only fields such as the calendar feed address select their text on focus.
document.addEventListener("focusin", (event) => {
  if (event.target.matches("input[data-select-on-focus]")) event.target.select();
});

// Class-type colours come from the database in data-bg, data-fg and
// data-border-colour; styles set from a script pass a strict CSP, style="" does not.
const COLOUR = /^#[0-9a-fA-F]{3,8}$/;
const COLOUR_PROPERTIES = { bg: "backgroundColor", fg: "color", borderColour: "borderTopColor" };
function applyColours() {
  document.querySelectorAll("[data-bg], [data-fg], [data-border-colour]").forEach((element) => {
    Object.entries(COLOUR_PROPERTIES).forEach(([key, property]) => {
      const value = (element.dataset[key] || "").trim();
      if (COLOUR.test(value)) element.style[property] = value;
    });
  });
}
document.addEventListener("DOMContentLoaded", applyColours);
document.addEventListener("htmx:afterSwap", applyColours);

// The member search's drop-downs (header box, staff forms' member pickers).
// Picking a row of a form's picker fills the field with the member's email,
// which names exactly one member; Escape or a click elsewhere closes them,
// and the arrow keys move between the search box and its rows.
function closeMemberMatches(except) {
  document.querySelectorAll(".member-matches").forEach((box) => {
    if (box !== except) box.replaceChildren();
  });
}
document.addEventListener("click", (event) => {
  const pick = event.target.closest("[data-member-pick]");
  if (pick) {
    const input = document.getElementById(pick.dataset.memberField);
    if (input) {
      input.value = pick.dataset.memberPick;
      input.focus();
    }
    closeMemberMatches();
    return;
  }
  if (!event.target.closest(".member-matches")) closeMemberMatches();
});
document.addEventListener("keydown", (event) => {
  const scope = event.target.closest && event.target.closest(".member-picker, .member-search-box");
  if (!scope) return;
  const box = scope.querySelector(".member-matches");
  const rows = box ? Array.from(box.querySelectorAll(".list-group-item")) : [];
  if (event.key === "Escape" && rows.length) {
    event.preventDefault();
    closeMemberMatches();
    scope.querySelector("input[data-hx-get]")?.focus();
  } else if ((event.key === "ArrowDown" || event.key === "ArrowUp") && rows.length) {
    event.preventDefault();
    const at = rows.indexOf(document.activeElement);
    const next = event.key === "ArrowDown" ? at + 1 : at - 1;
    if (next < 0) scope.querySelector("input[data-hx-get]")?.focus();
    else rows[Math.min(next, rows.length - 1)].focus();
  }
});

// The member app's service worker (its scope is /app/): member pages only.
if ("serviceWorker" in navigator && location.pathname.startsWith("/app/")) {
  navigator.serviceWorker.register("/app/sw.js", { scope: "/app/" }).catch(() => {});
}

// The trainer portal's worker (its scope is /trainer/), named by layouts/trainer.html:
// it shows Web Push messages and opens them.
const portalWorker = document.querySelector('meta[name="cupo-worker"]');
if ("serviceWorker" in navigator && portalWorker) {
  navigator.serviceWorker.register(portalWorker.content, { scope: portalWorker.dataset.scope }).catch(() => {});
}

// Offline copies (templates/portals/pwa/sw.js keeps them in "cupo-pages-<member>").
// Every page says whose it is in <meta name="cupo-member">: empty when no
// member is signed in, so signing out (or another member signing in) deletes
// every stored page and pass at once. Member pages ask the worker to bring
// the copies up to date: "My bookings" and home always, others once a minute.
const MEMBER_CACHES = "cupo-pages-";
const SYNC_EVERY_MS = 60 * 1000;
function forgetOtherMembers(member) {
  if (!("caches" in window)) return Promise.resolve();
  return caches.keys().then((keys) => Promise.all(keys
    .filter((key) => key.startsWith(MEMBER_CACHES) && key !== MEMBER_CACHES + member)
    .map((key) => caches.delete(key))));
}
function askForSync(member) {
  if (!("serviceWorker" in navigator) || !location.pathname.startsWith("/app/")) return;
  let last = 0;
  try {
    last = Number(sessionStorage.getItem("cupo.offline.asked")) || 0;
    if (!["/app/", "/app/bookings"].includes(location.pathname) && Date.now() - last < SYNC_EVERY_MS) return;
    sessionStorage.setItem("cupo.offline.asked", String(Date.now()));
  } catch (error) {
    // no session storage: ask every time
  }
  navigator.serviceWorker.ready.then((registration) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = (event) => {
      document.documentElement.dataset.offlineSynced = event.data && event.data.ok ? "ok" : "failed";
    };
    registration.active.postMessage({ type: "sync", member, skip: location.pathname }, [channel.port2]);
  });
}
const memberMeta = document.querySelector('meta[name="cupo-member"]');
if (memberMeta) {
  const member = memberMeta.content;
  forgetOtherMembers(member).then(() => {
    document.documentElement.dataset.offlineCleared = "true";
    if (member) askForSync(member);
  });
}

// Offline: a copy from the phone (the worker marks it data-served="cache") or
// a lost connection shows "You're offline — updated 10:42" and disables
// every button and link that needs the server (booking, cancelling, paying).
function connectionNeeded(offline) {
  const notice = document.querySelector("[data-offline-notice]");
  if (!notice) return;
  notice.hidden = !offline;
  document.querySelectorAll("main form button, main button[form], main form input[type=submit], [data-needs-connection]").forEach((control) => {
    if (control.closest("[data-offline-notice]")) return;
    if (offline) {
      control.dataset.offlineDisabled = "true";
      control.setAttribute("aria-disabled", "true");
      control.title = notice.dataset.reason || "";
      if (control.tagName === "A") control.classList.add("disabled");
      else control.disabled = true;
    } else if (control.dataset.offlineDisabled) {
      delete control.dataset.offlineDisabled;
      control.removeAttribute("aria-disabled");
      control.removeAttribute("title");
      if (control.tagName === "A") control.classList.remove("disabled");
      else control.disabled = false;
    }
  });
}
function servedFromPhone() {
  const notice = document.querySelector("[data-offline-notice]");
  return Boolean(notice && notice.dataset.served === "cache");
}
document.addEventListener("DOMContentLoaded", () => {
  connectionNeeded(servedFromPhone() || navigator.onLine === false);
});
window.addEventListener("offline", () => connectionNeeded(true));
window.addEventListener("online", () => {
  if (servedFromPhone()) location.reload();
  else connectionNeeded(false);
});
// A link to a disabled (offline) action goes nowhere.
document.addEventListener("click", (event) => {
  const link = event.target.closest && event.target.closest("a[data-offline-disabled]");
  if (link) event.preventDefault();
}, true);

// The pass's QR full screen, for the door: white, large, the short code under
// it; Escape or the close button returns. Works offline (nothing is fetched).
function closeFullQr() {
  const open = document.querySelector(".checkin-qr.is-full");
  if (!open) return;
  open.classList.remove("is-full");
  document.body.classList.remove("has-full-qr");
  if (document.fullscreenElement) document.exitFullscreen().catch(() => {});
  const opener = open.parentElement.querySelector("[data-qr-full]");
  if (opener) opener.focus();
}
document.addEventListener("click", (event) => {
  const opener = event.target.closest && event.target.closest("[data-qr-full]");
  if (opener) {
    const qr = document.getElementById(opener.getAttribute("aria-controls"));
    if (!qr) return;
    qr.classList.add("is-full");
    document.body.classList.add("has-full-qr");
    if (qr.requestFullscreen) qr.requestFullscreen().catch(() => {});
    qr.querySelector("[data-qr-close]")?.focus();
    return;
  }
  if (event.target.closest && event.target.closest("[data-qr-close]")) closeFullQr();
});
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape") closeFullQr();
});
document.addEventListener("fullscreenchange", () => {
  if (!document.fullscreenElement) closeFullQr();
});
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-qr-full]").forEach((button) => {
    button.hidden = false;
  });
});
