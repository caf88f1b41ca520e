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
