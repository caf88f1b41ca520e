// The door code on the kiosk and on a room's display: a new QR every 30
// seconds. Each PNG answer says in X-Door-Code-Refresh how many seconds its
// code has left; the next one is fetched then. A code keeps working for one
// window after its own, so if the server cannot be reached for longer the
// code is hidden and the screen says so, rather than show one that no
// longer works.
(() => {
  const RETRY_MS = 5000;
  const WINDOW_MS = 30000;
  const MARGIN_MS = 250;

  document.querySelectorAll("[data-door-code]").forEach((box) => {
    const img = box.querySelector("[data-door-img]");
    const lost = box.querySelector("[data-door-lost]");
    let shownUntil = Date.now() + WINDOW_MS;
    let objectUrl = null;

    const show = (url) =>
      new Promise((resolve) => {
        img.addEventListener("load", resolve, { once: true });
        img.addEventListener("error", resolve, { once: true });
        img.src = url;
      });

    async function refresh() {
      let wait = RETRY_MS;
      try {
        const response = await fetch(box.dataset.src, {
          cache: "no-store",
          credentials: "same-origin",
        });
        const type = response.headers.get("Content-Type") || "";
        if (!response.ok || !type.startsWith("image/png")) throw new Error(`${response.status}`);
        const left = parseFloat(response.headers.get("X-Door-Code-Refresh"));
        const leftMs = (Number.isFinite(left) ? left : WINDOW_MS / 1000) * 1000;
        const url = URL.createObjectURL(await response.blob());
        await show(url);
        if (objectUrl) URL.revokeObjectURL(objectUrl);
        objectUrl = url;
        wait = leftMs + MARGIN_MS;
        shownUntil = Date.now() + leftMs + WINDOW_MS - 1000;
        box.classList.remove("door-code-stale");
        lost.textContent = "";
      } catch (error) {
        if (Date.now() >= shownUntil) {
          box.classList.add("door-code-stale");
          lost.textContent = box.dataset.msgLost;
        }
      }
      setTimeout(refresh, wait);
    }

    refresh();
  });
})();
