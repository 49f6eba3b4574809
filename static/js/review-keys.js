// Review page keys: p play or pause the video, a approve (only once the video has played or "Approve without
// watching" is ticked, as the button: approve-watch.js; else it moves focus to the video and says so),
// c request changes, r reject, 1-9 clause, Ctrl+Enter send, Esc leave, n next, q queue (the queue's address
// is data-queue-url on #refuse-form).
(function () {
  var refuse = document.getElementById("refuse-form"), clause = document.getElementById("id_clause");
  if (!refuse || !clause) return;
  var reason = document.getElementById("id_reason"), mode = null;
  function choose(decision) {
    if (!document.getElementById(decision)) return;  // not on offer for this clip (e.g. changes on an appeal)
    mode = decision; refuse.dataset.mode = decision; clause.focus();
  }
  document.addEventListener("keydown", function (e) {
    var typing = /^(INPUT|TEXTAREA|SELECT)$/.test(e.target.tagName);
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey) && mode && refuse.contains(e.target)) {
      e.preventDefault(); refuse.requestSubmit(document.getElementById(mode)); return;
    }
    if (e.key === "Escape") { mode = null; delete refuse.dataset.mode; e.target.blur(); return; }
    if (mode && e.target === clause && /^[1-9]$/.test(e.key)) {
      var option = clause.options[parseInt(e.key, 10)];
      if (option) { e.preventDefault(); clause.value = option.value; reason.focus(); }
      return;
    }
    if (typing || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === "a") {
      var approve = document.getElementById("approve-form"), button = document.getElementById("approve");
      if (!approve) return;
      e.preventDefault();
      if (button && button.disabled) {  // not watched yet: go to the video (its description says what to do)
        var video = document.getElementById("clip-video");
        if (video) { video.focus(); video.scrollIntoView({block: "nearest"}); }
        var note = document.getElementById("approve-note");
        if (note) note.classList.add("error");
      } else approve.requestSubmit(button);
    }
    else if (e.key === "p") {
      var clip = document.getElementById("clip-video");
      if (clip) { e.preventDefault(); if (clip.paused) clip.play(); else clip.pause(); }
    }
    else if (e.key === "c") { e.preventDefault(); choose("changes"); }
    else if (e.key === "r") { e.preventDefault(); choose("reject"); }
    else if (e.key === "n") { e.preventDefault(); document.getElementById("next").click(); }
    else if (e.key === "q") { e.preventDefault(); window.location = refuse.dataset.queueUrl; }
  });
})();
