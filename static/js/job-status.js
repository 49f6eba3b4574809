// Render page: follows the job's status while it is active, updates the progress and queue place, then
// shows the clip. Signed-in pages carry the site's one live feed (studio-live.js, which announces each new
// answer as a "live:feed" event): the page reads its job from there. Without it, it polls the job's own
// status (data-status-url on #job). data-clip-url is the clip page's address for the all-zero UUID, which
// is replaced by the clip's id.
(function () {
  var box = document.getElementById("job");
  if (!box) return;
  var active = ["queued", "dispatched", "running"];
  if (active.indexOf(box.dataset.status) < 0) return;
  var done = false;
  function show(s) {
    document.getElementById("job-status").textContent = s.status_label;
    document.getElementById("job-progress").value = s.progress;
    var q = document.getElementById("job-queue");
    if (s.queue) { q.textContent = interpolate(gettext("Place in the queue: %(position)s (%(jobs_ahead)s ahead); should start in about %(estimated_start_s)s s."), s.queue, true) + (s.queue.delayed ? " (" + s.queue.delayed + ")" : ""); q.hidden = false; }
    else { q.hidden = true; }
    document.getElementById("job-eta").textContent = s.progress_text || "";  // phase, step and ETA, in words
    if (s.error) { var e = document.getElementById("job-error"); e.textContent = s.error; e.hidden = false; }
    if (s.clip) {
      var form = document.getElementById("cancel-form"); if (form) form.remove();
      var v = document.createElement("video");
      v.id = "clip-video"; v.src = s.clip.video_url; v.poster = s.clip.poster_url;
      v.controls = true; v.loop = true; v.muted = true; v.playsInline = true; v.preload = "auto"; v.autoplay = true;
      var track = document.createElement("track");  // the prompt as captions (generation.captions)
      track.kind = "captions"; track.srclang = "und"; track.label = gettext("Prompt"); track.default = true;
      track.src = box.dataset.captionsUrl.replace("00000000-0000-0000-0000-000000000000", encodeURIComponent(s.clip.id));
      v.appendChild(track);
      var link = document.createElement("p"), a = document.createElement("a");
      a.href = box.dataset.clipUrl.replace("00000000-0000-0000-0000-000000000000", encodeURIComponent(s.clip.id));
      a.textContent = gettext("Open the clip page to ask for publication →");
      link.appendChild(a);
      var player = document.getElementById("player"); player.replaceChildren(v, link);
    }
    if (active.indexOf(s.status) < 0) { done = true; var f = document.getElementById("cancel-form"); if (f) f.remove(); }
  }
  if (document.getElementById("live-badge")) {
    document.addEventListener("live:feed", function (e) {
      if (done) return;
      var mine = (e.detail.renders || []).filter(function (r) { return r.id === box.dataset.jobId; });
      if (mine.length) show(mine[0]);
    });
    return;
  }
  function tick() {
    fetch(box.dataset.statusUrl, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (r) { return r.json(); })
      .then(function (s) { show(s); if (!done) setTimeout(tick, 1000); })
      .catch(function () { setTimeout(tick, 3000); });
  }
  tick();
})();
