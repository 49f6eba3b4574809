// Studio: a preview of the first frame's crop. When an image (or a clip and a time) is chosen, draws it on #crop-canvas with the
// centred box of the chosen resolution's ratio (the same box generation/jobs/conditioning.py crops), the
// rest dimmed. Without this script the server's crop is the same; it only shows it after submitting.
(function () {
  var input = document.getElementById("id_image"), res = document.getElementById("id_resolution");
  var figure = document.getElementById("crop-preview"), canvas = document.getElementById("crop-canvas");
  var clip = document.getElementById("id_from_clip"), at = document.getElementById("id_from_time_s");
  if (!input || !res || !figure || !canvas) return;
  var image = null, url = null;  // image: an <img> or a <video> seeked to the frame
  function size(source) {
    return source.tagName === "VIDEO" ? [source.videoWidth, source.videoHeight]
                                      : [source.naturalWidth, source.naturalHeight];
  }
  function box(sw, sh, w, h) {  // crop_box: the largest centred box of ratio w:h inside sw x sh
    var bw, bh;
    if (sw * h > sh * w) { bw = Math.round(sh * w / h); bh = sh; } else { bw = sw; bh = Math.round(sw * h / w); }
    return [Math.floor((sw - bw) / 2), Math.floor((sh - bh) / 2), bw, bh];
  }
  function draw() {
    if (!image) { figure.hidden = true; return; }
    var wanted = res.value.split("x"), w = +wanted[0], h = +wanted[1], full = size(image);
    var scale = Math.min(320 / full[0], 240 / full[1]);
    canvas.width = Math.max(1, Math.round(full[0] * scale));
    canvas.height = Math.max(1, Math.round(full[1] * scale));
    var ctx = canvas.getContext("2d"), b = box(full[0], full[1], w, h);
    ctx.drawImage(image, 0, 0, canvas.width, canvas.height);
    ctx.fillStyle = "rgba(0, 0, 0, 0.6)";
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(image, b[0], b[1], b[2], b[3], b[0] * scale, b[1] * scale, b[2] * scale, b[3] * scale);
    ctx.strokeStyle = "#ffd54a";
    ctx.lineWidth = 2;
    ctx.strokeRect(b[0] * scale + 1, b[1] * scale + 1, b[2] * scale - 2, b[3] * scale - 2);
    figure.hidden = false;
    figure.dataset.crop = b.join(",");
  }
  input.addEventListener("change", function () {
    if (url) URL.revokeObjectURL(url);
    image = null; url = null;
    var file = input.files && input.files[0];
    if (!file) { draw(); return; }
    url = URL.createObjectURL(file);
    var img = new Image();
    img.onload = function () { image = img; draw(); };
    img.onerror = function () { draw(); };
    img.src = url;
  });
  res.addEventListener("change", draw);

  // A frame of one of the artist's clips: the option carries the video's URL and duration; the frame at the
  // chosen time (within the clip) is drawn once the video has seeked there. An uploaded image wins, as on
  // the server.
  function showFrame() {
    if (!clip || (input.files && input.files.length)) return;
    var option = clip.options[clip.selectedIndex];
    if (!option || !option.dataset.src) { image = null; draw(); return; }
    var seconds = parseFloat((at && at.value) || "0");
    var duration = parseFloat(option.dataset.duration || "0");
    if (!isFinite(seconds) || seconds < 0) seconds = 0;
    if (duration > 0) seconds = Math.min(seconds, Math.max(duration - 0.05, 0));
    var video = document.createElement("video");
    video.muted = true; video.preload = "auto"; video.playsInline = true;
    video.addEventListener("loadeddata", function () { video.currentTime = seconds; }, {once: true});
    video.addEventListener("seeked", function () {
      image = video; draw();
      figure.dataset.frameAt = String(seconds);
    }, {once: true});
    video.addEventListener("error", function () { image = null; draw(); }, {once: true});
    video.src = option.dataset.src;
  }
  if (clip) {
    clip.addEventListener("change", showFrame);
    if (at) at.addEventListener("change", showFrame);
    if (clip.value) showFrame();  // pre-filled from a clip page's "Start a render from this frame"
  }
})();
