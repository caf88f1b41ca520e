// "Add to home screen" on the member home: the card (#install-card) is in the
// page, hidden. Where the browser offers to install the app
// (`beforeinstallprompt`: Chromium on Android and desktop) the card shows an
// Install button that opens that offer; iOS Safari never offers, so there the
// card shows the Share → Add to Home Screen steps. It never shows inside the
// installed app, nor again on a phone where the member said "Not now" or
// turned the browser's offer down. Without JavaScript it stays hidden.
(() => {
  const DISMISSED = "cupo.install-card.dismissed";
  let offer = null; // the browser's install prompt, kept for the Install button

  function dismissed() {
    try {
      return window.localStorage.getItem(DISMISSED) !== null;
    } catch {
      return false; // storage refused (private browsing, blocked cookies)
    }
  }

  function remember() {
    try {
      window.localStorage.setItem(DISMISSED, new Date().toISOString());
    } catch {
      // nowhere to remember it: hidden on this page only
    }
  }

  function standalone() {
    return (
      navigator.standalone === true || window.matchMedia("(display-mode: standalone)").matches
    );
  }

  // Safari on an iPhone or iPad (iPadOS says "Macintosh" but has a touch
  // screen); not Chrome, Firefox, Edge or Opera on iOS, nor an app's web view
  // (no "Safari/"), whose menus are elsewhere.
  function iosSafari() {
    const agent = navigator.userAgent;
    const apple =
      /iPhone|iPad|iPod/.test(agent) || (/Macintosh/.test(agent) && navigator.maxTouchPoints > 1);
    return apple && /Safari\//.test(agent) && !/CriOS|FxiOS|EdgiOS|OPiOS|OPT\//.test(agent);
  }

  function card() {
    return document.getElementById("install-card");
  }

  function show(withOffer) {
    const box = card();
    if (!box || dismissed() || standalone()) return;
    box.querySelector("[data-install-action=install]").hidden = !withOffer;
    box.querySelector("[data-install-steps]").hidden = withOffer;
    box.hidden = false;
  }

  // `fromCard`: the member used one of its buttons (focus was on it, and a
  // disabled button loses it), so focus moves on to the page, not <body>
  function hide(fromCard = false) {
    const box = card();
    if (!box || box.hidden) return;
    const hadFocus = fromCard || box.contains(document.activeElement);
    box.hidden = true;
    const main = document.getElementById("main");
    if (hadFocus && main) main.focus();
  }

  window.addEventListener("beforeinstallprompt", (event) => {
    event.preventDefault(); // the card asks, not the browser's own bar
    offer = event;
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", () => show(true), { once: true });
    } else {
      show(true);
    }
  });

  window.addEventListener("appinstalled", () => {
    offer = null;
    hide();
  });

  document.addEventListener("click", async (event) => {
    const button = event.target.closest && event.target.closest("#install-card [data-install-action]");
    if (!button) return;
    if (button.dataset.installAction === "dismiss") {
      remember();
      hide(true);
      return;
    }
    const asked = offer; // a prompt can be shown once
    offer = null;
    button.disabled = true;
    try {
      if (asked) {
        await asked.prompt();
        const choice = await asked.userChoice;
        if (choice && choice.outcome === "dismissed") remember();
      }
    } catch {
      // the browser withdrew its offer: nothing to install from here
    }
    hide(true);
  });

  document.addEventListener("DOMContentLoaded", () => {
    if (!offer && iosSafari()) show(false);
  });
})();
