// Blind comparison keys: 1 the left clip is better, 2 the right one, 3 a tie; a tag's letter toggles it.
(function () {
  var form = document.getElementById("pair-form");
  if (!form) return;
  var picks = { "1": "pick-left", "2": "pick-right", "3": "pick-tie" };
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    var t = e.target, tag = t.tagName;
    if (tag === "TEXTAREA" || tag === "SELECT" || (tag === "INPUT" && t.type !== "checkbox")) return;
    if (picks[e.key]) { e.preventDefault(); form.requestSubmit(document.getElementById(picks[e.key])); return; }
    if (e.key.length === 1) {
      var box = form.querySelector('input[type=checkbox][data-key="' + e.key.toLowerCase() + '"]');
      if (box) { e.preventDefault(); box.checked = !box.checked; }
    }
  });
})();
