// Approve only after watching (approvals/views.py refuses an approval with neither): each form.approve-form
// keeps its submit button disabled until its video (data-watch-video, the id of a <video>) has played,
// which sets its hidden watched=1, or its "Approve without watching" box ([data-without-watching]) is
// ticked. [data-watch-state] spans say which. Forms that a live refresh brings in are set up too.
(function () {
  "use strict";
  function watched(form) {
    var field = form.querySelector("[data-watched]");
    return !!field && field.value === "1";
  }
  function ticked(form) {
    var box = form.querySelector("[data-without-watching]");
    return !!box && box.checked;
  }
  function ready(form) { return watched(form) || ticked(form); }

  function sync(form) {
    var ok = ready(form), seen = watched(form);
    form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = !ok; });
    form.querySelectorAll("[data-watch-state]").forEach(function (s) {
      s.hidden = (s.dataset.watchState === "played") !== seen;
    });
  }

  function setUp(form) {
    if (form.dataset.watchReady) return;
    form.dataset.watchReady = "1";
    var video = form.dataset.watchVideo && document.getElementById(form.dataset.watchVideo);
    if (video) {
      video.addEventListener("timeupdate", function () {
        var field = form.querySelector("[data-watched]");
        if (field && field.value !== "1" && video.played.length && video.currentTime > 0) {
          field.value = "1";
          sync(form);
        }
      });
    }
    sync(form);
  }
  function setUpAll() { document.querySelectorAll("form.approve-form").forEach(setUp); }

  document.addEventListener("change", function (e) {
    var form = e.target.closest && e.target.closest("form.approve-form");
    if (form) sync(form);
  });
  document.addEventListener("submit", function (e) {  // a key or another script submitting: the same rule
    var form = e.target;
    if (form instanceof HTMLFormElement && form.matches(".approve-form") && !ready(form)) {
      e.preventDefault();
      e.stopImmediatePropagation();
      sync(form);
    }
  }, true);
  setUpAll();
  new MutationObserver(setUpAll).observe(document.body, {childList: true, subtree: true});
})();
