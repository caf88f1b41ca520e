// Walk-in sign-up (back office): take the member's photo with the desk's
// webcam. The preview and the "Take photo" button stay hidden until a camera
// answers; the picture is drawn on a canvas and put into the form's file
// input as a JPEG, so the form posts it like a chosen file. Without a camera
// or JavaScript the file input works alone.
(() => {
  function setUp(box) {
    const input = document.getElementById(box.dataset.input);
    const video = box.querySelector("video");
    const canvas = box.querySelector("canvas");
    const start = box.querySelector("[data-camera-start]");
    const take = box.querySelector("[data-camera-take]");
    const status = box.querySelector("[data-camera-status]");
    if (!input || !navigator.mediaDevices || !window.DataTransfer) return;
    box.hidden = false;

    start.addEventListener("click", async () => {
      try {
        video.srcObject = await navigator.mediaDevices.getUserMedia({ video: true });
        await video.play();
        video.hidden = false;
        take.hidden = false;
        start.hidden = true;
      } catch (error) {
        status.textContent = box.dataset.noCamera;
      }
    });

    take.addEventListener("click", () => {
      const side = Math.min(video.videoWidth, video.videoHeight);
      if (!side) return;
      canvas.width = canvas.height = 512;
      const x = (video.videoWidth - side) / 2;
      const y = (video.videoHeight - side) / 2;
      canvas.getContext("2d").drawImage(video, x, y, side, side, 0, 0, 512, 512);
      canvas.toBlob(
        (blob) => {
          const files = new DataTransfer();
          files.items.add(new File([blob], "webcam.jpg", { type: "image/jpeg" }));
          input.files = files.files;
          canvas.hidden = false;
          status.textContent = box.dataset.taken;
        },
        "image/jpeg",
        0.9,
      );
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-camera]").forEach(setUp);
  });
})();
