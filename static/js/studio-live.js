// The one live mechanism of the site's pages (generation.live): polls the feed named by #live-badge's
// data-live-url every data-poll-ms with If-None-Match, so an unchanged feed costs a 304 without a body.
// It keeps the header's notification count and every render card (.render-card[data-job]) current: status,
// progress, and a finished render turning into a playable video. Cards also show their animated WebP
// preview while hovered or focused.
(function () {
  var badge = document.getElementById("live-badge");
  if (!badge) return;
  var url = badge.dataset.liveUrl, every = parseInt(badge.dataset.pollMs, 10) || 2000;
  var clipUrl = badge.dataset.clipUrl;
  var etag = null;

  // The clip's prompt as captions (generation.captions), as the server-drawn cards have it.
  function captionsTrack(pattern, id) {
    var track = document.createElement("track");
    track.kind = "captions"; track.srclang = "und"; track.label = gettext("Prompt"); track.default = true;
    track.src = pattern.replace("00000000-0000-0000-0000-000000000000", encodeURIComponent(id));
    return track;
  }

  function updateCard(r) {
    var card = document.getElementById("card-" + r.id);
    if (!card) return;
    card.dataset.status = r.status;
    var status = card.querySelector(".card-status");
    if (status) { status.textContent = r.status_label; status.className = "badge status-" + r.status + " card-status"; }
    var bar = card.querySelector(".card-progress");
    if (bar) bar.value = r.progress;
    var step = card.querySelector(".card-step");
    if (step) step.textContent = r.progress_text || "";  // the phase, step and ETA, in words (the server's)
    if (r.error) {
      var err = card.querySelector(".card-error");
      if (!err) { err = document.createElement("p"); err.className = "card-error error"; card.appendChild(err); }
      err.textContent = r.error;
    }
    if (r.clip && !card.querySelector("video")) {
      var v = document.createElement("video");
      v.className = "card-video"; v.src = r.clip.video_url; v.poster = r.clip.poster_url;
      v.controls = true; v.loop = true; v.muted = true; v.playsInline = true; v.preload = "metadata";
      if (r.clip.preview_url) v.dataset.preview = r.clip.preview_url;
      v.setAttribute("aria-label", interpolate(gettext("Clip, seed %(seed)s"), {seed: r.seed}, true));
      v.appendChild(captionsTrack(badge.dataset.captionsUrl, r.clip.id));
      var media = card.querySelector(".card-media");
      if (media) media.replaceChildren(v);
      var link = card.querySelector(".card-title a");
      if (link) link.href = clipUrl.replace("00000000-0000-0000-0000-000000000000", encodeURIComponent(r.clip.id));
      card.dispatchEvent(new CustomEvent("render:playable", {bubbles: true, detail: r}));
    }
  }

  // A page part that follows a count (#live-refresh, on the artist's clip page: a decision arriving): when
  // the count changes, the page is fetched again and the elements named in data-ids replaced (or, new,
  // inserted after data-after).
  var refresh = document.getElementById("live-refresh"), seen = {};
  function refreshParts() {
    fetch(location.href, {credentials: "same-origin", headers: {"Accept": "text/html", "X-Background-Poll": "1"}})
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (!html) return;
        var doc = new DOMParser().parseFromString(html, "text/html");
        refresh.dataset.ids.split(" ").forEach(function (id) {
          var fresh = doc.getElementById(id), old = document.getElementById(id);
          if (fresh && old) old.replaceWith(document.importNode(fresh, true));
          else if (fresh && !old) {
            var anchor = document.querySelector(refresh.dataset.after);
            if (anchor) anchor.after(document.importNode(fresh, true));
          }
        });
      });
  }

  function apply(feed) {
    var n = document.getElementById("live-notifications");
    if (n && feed.counts && feed.counts.notifications != null) n.textContent = feed.counts.notifications;
    if (refresh && feed.counts) {
      var name = refresh.dataset.on, value = feed.counts[name];
      if (seen[name] !== undefined && seen[name] !== value) refreshParts();
      seen[name] = value;
    }
    (feed.renders || []).forEach(updateCard);
    document.dispatchEvent(new CustomEvent("live:feed", {detail: feed}));  // the render page listens
  }

  function tick() {
    if (document.hidden) { setTimeout(tick, every); return; }
    var headers = {"Accept": "application/json", "X-Background-Poll": "1"};  // not activity (staff idle timeout)
    if (etag) headers["If-None-Match"] = etag;
    fetch(url, {headers: headers, credentials: "same-origin", cache: "no-store"})
      .then(function (r) {
        if (r.status === 304) return null;
        if (!r.ok) throw new Error("feed " + r.status);
        etag = r.headers.get("ETag");
        return r.json();
      })
      .then(function (feed) { if (feed) apply(feed); setTimeout(tick, every); })
      .catch(function () { setTimeout(tick, every * 3); });
  }
  tick();

  function showPreview(e) {
    var media = e.target.closest && e.target.closest(".card-media");
    if (!media || media.querySelector(".card-preview")) return;
    var v = media.querySelector("video[data-preview]");
    if (!v) return;
    var img = document.createElement("img");
    img.className = "card-preview"; img.src = v.dataset.preview; img.alt = "";
    media.appendChild(img);
  }
  function hidePreview(e) {
    var media = e.target.closest && e.target.closest(".card-media");
    if (!media) return;
    if (e.relatedTarget && media.contains(e.relatedTarget)) return;
    var img = media.querySelector(".card-preview");
    if (img) img.remove();
  }
  document.addEventListener("mouseover", showPreview);
  document.addEventListener("focusin", showPreview);
  document.addEventListener("mouseout", hidePreview);
  document.addEventListener("focusout", hidePreview);
})();
