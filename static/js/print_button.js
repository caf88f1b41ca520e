// A [data-print] button prints the page (its print stylesheet keeps the content only).
document.querySelectorAll("[data-print]").forEach((button) => {
  button.addEventListener("click", () => window.print());
});
