// Studio: a preview of the first frame's crop. When an image is chosen, draws it on #crop-canvas with the
// centred box of the chosen resolution's ratio (the same box generation/jobs/conditioning.py crops), the
// rest dimmed. Without this script the server's crop is the same; it only shows it after submitting.
(function () {
  var input = document.getElementById("id_image"), res = document.getElementById("id_resolution");
  var figure = document.getElementById("crop-preview"), canvas = document.getElementById("crop-canvas");
  if (!input || !res || !figure || !canvas) return;
  var image = null, url = null;
  function box(sw, sh, w, h) {  // crop_box: the largest centred box of ratio w:h inside sw x sh
    var bw, bh;
    if (sw * h > sh * w) { bw = Math.round(sh * w / h); bh = sh; } else { bw = sw; bh = Math.round(sw * h / w); }
    return [Math.floor((sw - bw) / 2), Math.floor((sh - bh) / 2), bw, bh];
  }
  function draw() {
    if (!image) { figure.hidden = true; return; }
    var size = res.value.split("x"), w = +size[0], h = +size[1];
    var scale = Math.min(320 / image.naturalWidth, 240 / image.naturalHeight);
    canvas.width = Math.max(1, Math.round(image.naturalWidth * scale));
    canvas.height = Math.max(1, Math.round(image.naturalHeight * scale));
    var ctx = canvas.getContext("2d"), b = box(image.naturalWidth, image.naturalHeight, w, h);
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
})();
