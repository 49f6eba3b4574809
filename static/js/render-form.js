// Studio: under the render form, the exact frames, size and steps of the chosen settings.
// Reads data-fps and data-frames on #exact-values and the presets' rules from #preset-rules (json_script).
(function () {
  var info = document.getElementById("exact-values");
  if (!info) return;
  var frames = JSON.parse(info.dataset.frames), fps = +info.dataset.fps;
  var dur = document.getElementById("id_duration_s"), res = document.getElementById("id_resolution");
  var out = document.getElementById("exact-frames");
  var rules = JSON.parse(document.getElementById("preset-rules").textContent);
  var pick = document.getElementById("id_preset");
  function show() {
    var rule = pick && rules[pick.value], d = String(parseInt(dur.value, 10));
    if (rule) {  // the chosen model's exact values, or the rule an impossible choice breaks
      var f = rule.frames[d];
      if (rule.sizes.indexOf(res.value) < 0) { out.textContent = rule.size_rule + "."; return; }
      if (!f) { out.textContent = rule.label + " renders " + rule.frame_rule + " at " + rule.fps + " fps" +
                (rule.max_frames ? ", at most " + rule.max_frames + " frames." : "; duration must be 1 to 10 seconds."); return; }
      out.textContent = "This clip: " + res.value.replace("x", " × ") + " px, " + f + " frames at " + rule.fps +
                        " fps (" + (f / rule.fps).toFixed(2) + " s), " + rule.steps + " steps.";
      return;
    }
    var f = frames[d];
    out.textContent = f ? ("This clip: " + res.value.replace("x", " × ") + " px, " + f + " frames (" + (f / fps).toFixed(2) + " s).")
                        : "Duration must be 1 to 10 seconds.";
  }
  dur.addEventListener("input", show); res.addEventListener("change", show);
  if (pick) pick.addEventListener("change", show);
  show();
})();
