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
