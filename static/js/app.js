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
