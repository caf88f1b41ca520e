// Record a payment (back office): show the fields of the chosen item and
// method, and the total and change due as the desk types. The server works
// both out again; this is only a live preview.
(() => {
  const AMOUNT = /^\s*(\d{1,6})(?:[.,](\d{1,2}))?\s*$/;
  const BP = 10000;

  function parseMoney(text) {
    const match = AMOUNT.exec(text || "");
    if (!match) return null;
    return Number(match[1]) * 100 + Number((match[2] || "0").padEnd(2, "0"));
  }

  // numerator / denominator rounded half away from zero, as the invoices do
  function divide(numerator, denominator) {
    const quotient = Math.floor((2 * Math.abs(numerator) + denominator) / (2 * denominator));
    return numerator >= 0 ? quotient : -quotient;
  }

  function setUp(form) {
    const field = (name) => form.elements.namedItem(name);
    const rate = Number(form.dataset.taxRateBp || 0);
    const includesTax = form.dataset.includesTax === "true";
    const format = new Intl.NumberFormat(form.dataset.locale, {
      style: "currency",
      currency: form.dataset.currency,
    });
    const totalOut = form.querySelector("#payment-total");
    const changeOut = form.querySelector("#change-due");

    function planPrice(kind) {
      const select = { plan: field("plan_id"), pack: field("pack_id") }[kind];
      const option = select && select.selectedOptions[0];
      return option && option.dataset.price ? parseMoney(option.dataset.price) : null;
    }

    function update() {
      const kind = field("kind").value;
      const method = field("method").value;
      form.querySelectorAll("[data-show-kind]").forEach((element) => {
        element.hidden = !element.dataset.showKind.split(" ").includes(kind);
      });
      form.querySelectorAll("[data-show-method]").forEach((element) => {
        element.hidden = !element.dataset.showMethod.split(" ").includes(method);
      });
      const price = planPrice(kind);
      const amount = field("amount");
      amount.placeholder = price === null ? "" : (price / 100).toFixed(2);
      const unit = parseMoney(amount.value) ?? price;
      const quantity = kind === "other" ? parseInt(field("quantity").value, 10) || 1 : 1;
      let total = null;
      if (unit !== null) {
        const gross = unit * quantity;
        total = includesTax ? gross : gross + divide(gross * rate, BP);
      }
      totalOut.textContent = total === null ? "—" : format.format(total / 100);
      const tendered = parseMoney(field("tendered").value);
      if (total === null || tendered === null) {
        changeOut.textContent = "—";
      } else if (tendered < total) {
        changeOut.textContent = form.dataset.msgShort;
      } else {
        changeOut.textContent = format.format((tendered - total) / 100);
      }
    }

    form.addEventListener("input", update);
    form.addEventListener("change", update);
    update();
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("form[data-payment-form]").forEach(setUp);
  });
})();
