// ParkOps page behaviour. No inline scripts anywhere: the CSP forbids them.
document.addEventListener("change", function (event) {
  var form = event.target.closest("form[data-autosubmit]");
  if (form) {
    form.submit();
  }
});
