// Rating keys on a clip page: 1-5 choose the overall rating, a tag's letter toggles it, Enter saves.
// Keys typed into the note or the time fields are left alone.
(function () {
  var form = document.getElementById("rating-form");
  if (!form) return;
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    var t = e.target, tag = t.tagName;
    var typing = tag === "TEXTAREA" || tag === "SELECT" || (tag === "INPUT" && t.type !== "radio" && t.type !== "checkbox");
    if (typing) return;
    if (/^[1-5]$/.test(e.key)) {
      var radio = document.getElementById("rating-overall-" + e.key);
      if (radio) { e.preventDefault(); radio.checked = true; radio.focus(); }
      return;
    }
    if (e.key === "Enter" && (form.contains(t) || t === document.body)) {
      e.preventDefault(); form.requestSubmit(); return;
    }
    if (e.key.length === 1) {
      var box = form.querySelector('input[type=checkbox][data-key="' + e.key.toLowerCase() + '"]');
      if (box) { e.preventDefault(); box.checked = !box.checked; }
    }
  });
})();
