// A clip's conversation (templates/conversations/_thread_body.html): "at 0:03" links seek the clip's video,
// "Use the video's current time" fills the moment, "Attach the current frame" captures the paused frame
// into the form's file field, and a thread with new messages is marked read (data-read-url).
(function () {
  var thread = document.getElementById("thread");
  if (!thread) return;
  var video = document.getElementById(thread.dataset.video);
  var form = document.getElementById("thread-form");
  var at = form.querySelector("[name=at]"), frame = form.querySelector("[name=frame]");
  var captured = form.querySelector("[name=captured]"), status = document.getElementById("thread-capture-status");

  function moment(seconds) {
    var m = Math.floor(seconds / 60), s = seconds - m * 60, whole = Math.floor(s);
    var text = m + ":" + (whole < 10 ? "0" : "") + whole;
    var tenths = Math.round((s - whole) * 10);
    if (tenths > 0 && tenths < 10) text += "." + tenths;
    return text;
  }

  thread.querySelectorAll("a.seek").forEach(function (link) {
    link.addEventListener("click", function (e) {
      if (!video) return;
      e.preventDefault();
      video.pause();
      video.currentTime = parseFloat(link.dataset.seconds);
      video.scrollIntoView({ block: "center" });
      video.focus();
    });
  });

  if (video) {
    var now = document.getElementById("thread-now"), capture = document.getElementById("thread-capture");
    now.hidden = false;
    now.addEventListener("click", function () { at.value = moment(video.currentTime); });
    if (window.DataTransfer && HTMLCanvasElement.prototype.toBlob) {
      capture.hidden = false;
      capture.addEventListener("click", function () {
        video.pause();
        var canvas = document.createElement("canvas");
        canvas.width = video.videoWidth; canvas.height = video.videoHeight;
        try {
          canvas.getContext("2d").drawImage(video, 0, 0, canvas.width, canvas.height);
          canvas.toBlob(function (blob) {
            if (!blob) { status.textContent = thread.dataset.captureFailedText; return; }
            var files = new DataTransfer();
            files.items.add(new File([blob], "frame.png", { type: "image/png" }));
            frame.files = files.files;
            captured.value = "1";
            if (!at.value) at.value = moment(video.currentTime);
            status.textContent = thread.dataset.capturedText.replace("%s", moment(video.currentTime));
          }, "image/png");
        } catch (err) {  // a video from another origin taints the canvas
          status.textContent = thread.dataset.captureFailedText;
        }
      });
    }
  }
  frame.addEventListener("change", function () { captured.value = ""; status.textContent = ""; });

  if (parseInt(thread.dataset.unread, 10) > 0) {
    var body = new FormData();
    body.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
    fetch(thread.dataset.readUrl, { method: "POST", body: body, headers: { "X-Requested-With": "fetch" }, credentials: "same-origin" });
  }
})();
