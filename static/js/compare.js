// Compare page: one play/pause and one position for every clip; seeking one clip (or the slider) seeks the
// others; Space plays or pauses all, the arrow keys step every clip one frame (1 / data-fps seconds).
(function () {
  var videos = Array.prototype.slice.call(document.querySelectorAll(".compare-video"));
  if (videos.length < 2) return;
  var play = document.getElementById("compare-play"), seek = document.getElementById("compare-seek");
  var time = document.getElementById("compare-time");
  var syncing = false;

  function longest() { return Math.max.apply(null, videos.map(function (v) { return v.duration || 0; })); }
  function setAll(t, except) {
    syncing = true;
    videos.forEach(function (v) { if (v !== except) v.currentTime = Math.min(t, v.duration || t); });
    syncing = false;
    show(t);
  }
  function show(t) {
    time.textContent = t.toFixed(2) + " s";
    var d = longest();
    if (d) seek.value = Math.round(t / d * 1000);
  }
  function playing() { return videos.some(function (v) { return !v.paused; }); }
  function toggle() {
    if (playing()) { videos.forEach(function (v) { v.pause(); }); play.textContent = play.dataset.playLabel || gettext("Play all"); }
    else { setAll(videos[0].currentTime); videos.forEach(function (v) { v.play(); }); play.dataset.playLabel = play.textContent; play.textContent = gettext("Pause all"); }
  }
  function step(frames) {
    videos.forEach(function (v) { v.pause(); });
    var fps = parseFloat(videos[0].dataset.fps) || 24;
    setAll(Math.max(0, videos[0].currentTime + frames / fps));
  }
  videos.forEach(function (v) {
    v.addEventListener("seeking", function () { if (!syncing) setAll(v.currentTime, v); });
    v.addEventListener("timeupdate", function () { if (v === videos[0]) show(v.currentTime); });
  });
  play.addEventListener("click", toggle);
  seek.addEventListener("input", function () { setAll(seek.value / 1000 * longest()); });
  document.addEventListener("keydown", function (e) {
    if (e.target && (e.target.tagName === "INPUT" || e.target.tagName === "TEXTAREA" || e.target.tagName === "SELECT")) {
      if (e.target !== seek) return;
    }
    if (e.key === " " && e.target.tagName !== "BUTTON") { e.preventDefault(); toggle(); }
    else if (e.key === "ArrowRight") { e.preventDefault(); step(1); }
    else if (e.key === "ArrowLeft") { e.preventDefault(); step(-1); }
  });
})();
