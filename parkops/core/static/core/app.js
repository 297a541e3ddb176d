// ParkOps page behaviour. No inline scripts anywhere: the CSP forbids them.
document.addEventListener("change", function (event) {
  var form = event.target.closest("form[data-autosubmit]");
  if (form) {
    form.submit();
  }
});

// A destructive button asks first. Its form (or the button itself) carries the
// question in data-confirm, naming what will be lost; cancelling sends nothing.
// Listening in the capture phase puts the question before any other submit
// handler (htmx's included), so a cancelled form never reaches them.
document.addEventListener(
  "submit",
  function (event) {
    var form = event.target;
    var button = event.submitter;
    var question =
      (button && button.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  },
  true
);
