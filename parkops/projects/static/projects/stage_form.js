// The project page's stage form: the signing's amount and event are asked for
// only when the chosen next stage is the signing (the server checks it anyway).
(function () {
  function sync(select) {
    var form = select.closest("form[data-stage-form]");
    if (!form) return;
    form.querySelectorAll("[data-signing-only]").forEach(function (box) {
      box.hidden = select.value !== "signed";
    });
  }
  document.addEventListener("change", function (event) {
    if (event.target.matches("form[data-stage-form] select[name=to_stage]")) sync(event.target);
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-stage-form] select[name=to_stage]").forEach(sync);
  });
})();
