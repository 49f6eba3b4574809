// Exports page: each queued or building export polls its data-status-url; the page reloads when it ends.
document.querySelectorAll("tr[data-status-url]").forEach(function (row) {
  var state = row.dataset.status;  // the export's status code (the label is translated)
  if (state !== "queued" && state !== "running") return;
  var timer = setInterval(function () {
    fetch(row.dataset.statusUrl).then(function (r) { return r.json(); }).then(function (data) {
      row.querySelector("progress").value = data.progress;
      if (data.status !== "queued" && data.status !== "running") { clearInterval(timer); location.reload(); }
    });
  }, 1000);
});
