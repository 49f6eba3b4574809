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
      var size = res.value.replace("x", " × ");
      if (!f) { out.textContent = interpolate(gettext("%(label)s renders %(frame_rule)s at %(fps)s fps"), rule, true) +
                (rule.max_frames ? interpolate(gettext(", at most %s frames."), [rule.max_frames]) : gettext("; duration must be 1 to 10 seconds.")); return; }
      out.textContent = interpolate(gettext("This clip: %(size)s px, %(frames)s frames at %(fps)s fps (%(seconds)s s), %(steps)s steps."),
                                    {size: size, frames: f, fps: rule.fps, seconds: (f / rule.fps).toFixed(2), steps: rule.steps}, true);
      return;
    }
    var f = frames[d];
    out.textContent = f ? interpolate(gettext("This clip: %(size)s px, %(frames)s frames (%(seconds)s s)."),
                                      {size: res.value.replace("x", " × "), frames: f, seconds: (f / fps).toFixed(2)}, true)
                        : gettext("Duration must be 1 to 10 seconds.");
  }
  dur.addEventListener("input", show); res.addEventListener("change", show);
  if (pick) pick.addEventListener("change", show);
  show();
})();
