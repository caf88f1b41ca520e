// The check-in scanner: reads QR codes from the camera with jsQR, posts each
// code (or one typed in the form) to /scan and shows the green or red card the
// server answers with, with a beep and a buzz. The camera keeps running between
// scans. Without a camera the typed code still works; without JavaScript the
// form posts and the page comes back with the result.
(() => {
  const FRAME_MS = 150;
  const SAME_CODE_MS = 3000;

  const root = document.querySelector("[data-scanner]");
  if (!root) return;
  const form = root.querySelector("[data-scan-form]");
  const codeField = form.querySelector("input[name=code]");
  const resultArea = root.querySelector("[data-result-area]");
  const status = root.querySelector("[data-status]");
  const cameraBox = root.querySelector("[data-camera]");
  const video = cameraBox.querySelector("video");
  const canvas = cameraBox.querySelector("canvas");
  const context = canvas.getContext("2d", { willReadFrequently: true });

  let lastCode = null;
  let lastSeenAt = 0;
  let busy = false;
  let audio = null;

  const say = (key) => {
    status.textContent = root.dataset[key];
  };

  function beep(ok) {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      const tone = audio.createOscillator();
      const gain = audio.createGain();
      tone.type = ok ? "sine" : "square";
      tone.frequency.value = ok ? 1320 : 220;
      gain.gain.value = 0.15;
      tone.connect(gain).connect(audio.destination);
      tone.start();
      tone.stop(audio.currentTime + (ok ? 0.15 : 0.45));
    } catch (error) {
      // no sound on this device: the card is the answer
    }
    if (navigator.vibrate) navigator.vibrate(ok ? 80 : [120, 80, 120]);
  }

  function show(html, fallbackOk) {
    resultArea.innerHTML = html;
    const card = resultArea.querySelector("[data-result]");
    beep(card ? card.dataset.result === "ok" : fallbackOk);
  }

  async function send(code) {
    busy = true;
    say("msgChecking");
    const data = new FormData(form);
    data.set("code", code);
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
        show(html, response.ok);
      } else {
        resultArea.textContent = root.dataset.msgOffline;
        beep(false);
      }
    } catch (error) {
      resultArea.textContent = root.dataset.msgOffline;
      beep(false);
    } finally {
      busy = false;
      say(video.srcObject ? "msgReady" : "msgNoCamera");
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const code = codeField.value.trim();
    send(code).then(() => {
      codeField.value = "";
      codeField.focus();
    });
  });

  function tick() {
    if (!busy && video.readyState >= video.HAVE_ENOUGH_DATA) {
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      const image = context.getImageData(0, 0, canvas.width, canvas.height);
      const read = window.jsQR(image.data, image.width, image.height, {
        inversionAttempts: "dontInvert",
      });
      const now = Date.now();
      if (read && read.data) {
        // the same code held in view is sent once, not every frame
        const repeat = read.data === lastCode && now - lastSeenAt < SAME_CODE_MS;
        lastCode = read.data;
        lastSeenAt = now;
        if (!repeat) send(read.data);
      }
    }
    setTimeout(tick, FRAME_MS);
  }

  function noCamera() {
    cameraBox.hidden = true;
    say("msgNoCamera");
    codeField.focus();
  }

  async function startCamera() {
    if (!window.jsQR || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      noCamera();
      return;
    }
    say("msgStarting");
    try {
      const stream = await navigator.mediaDevices.getUserMedia({
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

  const fullscreen = document.querySelector("[data-fullscreen]");
  if (fullscreen && document.documentElement.requestFullscreen) {
    fullscreen.hidden = false;
    fullscreen.addEventListener("click", () => {
      if (document.fullscreenElement) document.exitFullscreen();
      else document.documentElement.requestFullscreen().catch(() => {});
    });
  }

  startCamera();
})();
