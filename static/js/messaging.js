// Messages: pollers (`data-poll-visible`) ask only while the tab is visible,
// and a thread scrolls to its newest message when it opens and when one arrives.
(function () {
  "use strict";

  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail && event.detail.elt;
    if (elt && elt.hasAttribute("data-poll-visible") && document.visibilityState !== "visible") {
      event.preventDefault();
    }
  });

  function newest() {
    var items = document.querySelectorAll("#messages .chat-item");
    return items.length ? items[items.length - 1] : null;
  }

  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail && event.detail.target && event.detail.target.classList.contains("chat-poller")) {
      var none = document.getElementById("no-messages");
      if (none) none.remove();
      var last = newest();
      if (last) last.scrollIntoView({ block: "end" });
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    if (location.hash) return;
    var last = newest();
    if (last && !document.querySelector("#compose .is-invalid, #compose .alert")) {
      last.scrollIntoView({ block: "end" });
    }
  });
})();
