// Confirmation before an irreversible action (core/confirm.py). A form with data-confirm (what will happen)
// opens a modal <dialog> when it is submitted: data-confirm-title is its heading, data-confirm-button the
// label of the button that goes ahead. Focus starts on the safe Cancel button; Cancel or Escape leaves
// everything as it was and puts focus back on the button that asked. Only the confirm button sends the
// form, with confirm=yes (the field the server requires). Without JavaScript the form's "I understand"
// checkbox ([data-confirm-fallback]) does the same job; with it, that checkbox is hidden (see app.css).
(function () {
  "use strict";
  var gettext = window.gettext || function (s) { return s; };
  var dialog = null, heading, text, ok, pending = null;
  document.documentElement.classList.add("js-confirm");

  function build() {
    dialog = document.createElement("dialog");
    dialog.id = "confirm-dialog";
    dialog.className = "confirm-dialog";
    dialog.setAttribute("aria-labelledby", "confirm-dialog-title");
    dialog.setAttribute("aria-describedby", "confirm-dialog-text");
    heading = document.createElement("h2");
    heading.id = "confirm-dialog-title";
    text = document.createElement("p");
    text.id = "confirm-dialog-text";
    var actions = document.createElement("div");
    actions.className = "confirm-actions";
    var cancel = document.createElement("button");
    cancel.type = "button";
    cancel.id = "confirm-cancel";
    cancel.textContent = gettext("Cancel");
    ok = document.createElement("button");
    ok.type = "button";
    ok.id = "confirm-ok";
    ok.className = "danger";
    cancel.addEventListener("click", function () { dialog.close("cancel"); });
    ok.addEventListener("click", function () { dialog.close("confirm"); });
    dialog.addEventListener("close", closed);
    actions.append(cancel, ok);
    dialog.append(heading, text, actions);
    document.body.appendChild(dialog);
  }

  function ask(form, submitter) {
    if (!dialog) build();
    pending = {form: form, submitter: submitter};
    heading.textContent = form.dataset.confirmTitle || gettext("Are you sure?");
    text.textContent = form.dataset.confirm;
    ok.textContent = form.dataset.confirmButton || (submitter && submitter.textContent.trim()) || gettext("Confirm");
    dialog.returnValue = "";
    dialog.showModal();
    document.getElementById("confirm-cancel").focus();
  }

  function closed() {
    var asked = pending;
    pending = null;
    if (!asked) return;
    if (dialog.returnValue !== "confirm") {  // Cancel, Escape: nothing happens
      var back = asked.submitter || asked.form.querySelector("[type=submit]");
      if (back) back.focus();
      return;
    }
    var form = asked.form, field = form.querySelector('input[name="confirm"]');
    if (field && field.type === "checkbox") field.checked = true;
    else if (!field) {
      field = document.createElement("input");
      field.type = "hidden";
      field.name = "confirm";
      form.appendChild(field);
    }
    if (field.type !== "checkbox") field.value = "yes";
    form.dataset.confirmed = "yes";
    if (asked.submitter) form.requestSubmit(asked.submitter); else form.requestSubmit();
  }

  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-confirm")) return;
    if (form.dataset.confirmed === "yes") { delete form.dataset.confirmed; return; }  // the dialog said yes
    e.preventDefault();
    ask(form, e.submitter || null);
  }, true);
})();
