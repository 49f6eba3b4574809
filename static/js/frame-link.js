// Clip page: "Start a render from this frame" opens the studio with this clip's frame at the video's current
// time as the first frame (the link carries from_time_s; without this script it is the first frame, 0 s).
(function () {
  var link = document.getElementById("frame-link"), video = document.getElementById("clip-video");
  if (!link || !video) return;
  function update() {
    link.href = link.dataset.base + "&from_time_s=" + (Math.round(video.currentTime * 100) / 100);
  }
  ["timeupdate", "seeked", "pause"].forEach(function (name) { video.addEventListener(name, update); });
})();
