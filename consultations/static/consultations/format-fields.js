// Shows only the fields of the chosen consultation format: on site the city and address, online the meeting link.
// Markup: the format's radio buttons (name "format") and, in the same form, a group [data-format-fields="<format>"]
// per format. Without this script every group shows, and the server ignores the fields of the other format.
(function () {
  "use strict";

  function setUp(form) {
    var radios = form.querySelectorAll('input[type="radio"][name="format"]');
    var groups = form.querySelectorAll("[data-format-fields]");
    if (!radios.length || !groups.length) {
      return;
    }
    function update() {
      var chosen = form.querySelector('input[type="radio"][name="format"]:checked');
      groups.forEach(function (group) {
        group.hidden = chosen !== null && group.getAttribute("data-format-fields") !== chosen.value;
      });
    }
    radios.forEach(function (radio) {
      radio.addEventListener("change", update);
    });
    update();
  }

  document.querySelectorAll("form").forEach(setUp);
})();
