// Self check-in: the member's camera reads the door code (the QR on the
// kiosk or a room's display) with jsQR and posts it to /app/check-in; the
// server answers with a green or red card. The camera stops after a door
// code is read, so the phone does not keep filming; "Scan again" restarts
// it. Other QR codes are answered here, without a request.
(() => {
  const FRAME_MS = 150;

  const root = document.querySelector("[data-self-checkin]");
  if (!root) return;
  const form = root.querySelector("[data-door-form]");
  const resultArea = root.querySelector("[data-result-area]");
  const status = root.querySelector("[data-status]");
  const again = root.querySelector("[data-scan-again]");
  const cameraBox = root.querySelector("[data-camera]");
  const video = cameraBox.querySelector("video");
  const canvas = cameraBox.querySelector("canvas");
  const context = canvas.getContext("2d", { willReadFrequently: true });
  const prefix = root.dataset.prefix;

  let stream = null;
  let timer = null;

  const say = (key) => {
    status.textContent = root.dataset[key];
  };

  function stopCamera() {
    clearTimeout(timer);
    timer = null;
    if (stream) stream.getTracks().forEach((track) => track.stop());
    stream = null;
    video.srcObject = null;
    cameraBox.hidden = true;
  }

  function showText(key) {
    resultArea.textContent = root.dataset[key];
  }

  async function send(code) {
    stopCamera();
    say("msgChecking");
    const data = new FormData(form);
    data.set("code", code);
    let ok = false;
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body: data,
        headers: { "HX-Request": "true" },
        credentials: "same-origin",
      });
      const html = await response.text();
      const type = response.headers.get("Content-Type") || "";
      if (type.includes("text/html") && html.includes("data-result=")) {
        resultArea.innerHTML = html;
        const card = resultArea.querySelector("[data-result]");
        ok = Boolean(card) && card.dataset.result === "ok";
      } else {
        showText(response.status === 429 ? "msgSlow" : "msgOffline");
      }
    } catch (error) {
      showText("msgOffline");
    }
    if (navigator.vibrate) navigator.vibrate(ok ? 80 : [120, 80, 120]);
    say(ok ? "msgDone" : "msgStopped");
    again.hidden = ok;
    if (!ok) again.focus();
  }

  function tick() {
    timer = null;
    if (!stream) return;
    if (video.readyState >= video.HAVE_ENOUGH_DATA) {
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      const image = context.getImageData(0, 0, canvas.width, canvas.height);
      const read = window.jsQR(image.data, image.width, image.height, {
        inversionAttempts: "dontInvert",
      });
      if (read && read.data) {
        if (read.data.trim().toUpperCase().startsWith(prefix)) {
          send(read.data);
          return;
        }
        say("msgNotDoor");
      }
    }
    timer = setTimeout(tick, FRAME_MS);
  }

  function noCamera() {
    stopCamera();
    say("msgNoCamera");
    again.hidden = false;
  }

  async function startCamera() {
    again.hidden = true;
    if (!window.jsQR || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      noCamera();
      return;
    }
    say("msgStarting");
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        video: { facingMode: "environment" },
        audio: false,
      });
      video.srcObject = stream;
      cameraBox.hidden = false;
      await video.play();
      say("msgReady");
      tick();
    } catch (error) {
      noCamera();
    }
  }

  again.addEventListener("click", () => {
    resultArea.textContent = "";
    startCamera();
  });
  // a phone that locks or switches apps gives the camera back
  document.addEventListener("visibilitychange", () => {
    if (document.hidden && stream) {
      stopCamera();
      say("msgStopped");
      again.hidden = false;
    }
  });

  startCamera();
})();
