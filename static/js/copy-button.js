// A button with data-copy-target="<id>" copies that field's text to the clipboard and says so in the element named by
// data-copy-status. Without a clipboard (old browser, page not served securely) the button stays hidden: the field
// itself remains readable and selectable.
(function () {
  "use strict";
  if (!navigator.clipboard) {
    return;
  }
  document.querySelectorAll("button[data-copy-target]").forEach(function (button) {
    var field = document.getElementById(button.dataset.copyTarget);
    var status = document.getElementById(button.dataset.copyStatus);
    if (!field) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      field.select();
      navigator.clipboard.writeText(field.value).then(function () {
        if (status) {
          status.textContent = button.dataset.copiedMessage;
        }
      });
    });
  });
})();
