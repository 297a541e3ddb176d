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
