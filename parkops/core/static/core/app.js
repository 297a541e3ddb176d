// ParkOps page behaviour. No inline scripts anywhere: the CSP forbids them.
document.addEventListener("change", function (event) {
  var form = event.target.closest("form[data-autosubmit]");
  if (form) {
    form.submit();
  }
});

// A filter whose value the server refused is marked invalid next to its message
// (the message arrives with the table, in an htmx out-of-band swap).
function markInvalidFilters(root) {
  (root || document).querySelectorAll(".filter-errors[data-for]").forEach(function (box) {
    var input = document.getElementById(box.dataset.for);
    if (!input) {
      return;
    }
    var invalid = box.textContent.trim() !== "";
    input.classList.toggle("is-invalid", invalid);
    if (invalid) {
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", box.id);
    } else {
      input.removeAttribute("aria-invalid");
      input.removeAttribute("aria-describedby");
    }
  });
}
document.addEventListener("DOMContentLoaded", function () {
  markInvalidFilters(document);
});
document.addEventListener("htmx:afterSettle", function () {
  markInvalidFilters(document);
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
