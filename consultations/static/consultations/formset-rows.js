// Adds and removes rows of a Django formset without a round trip to the server.
// Markup: a container [data-formset="<prefix>"] holding the management form, a [data-formset-body] to append
// to, a <template data-formset-template> with the formset's empty form (its names and ids carry __prefix__),
// and a [data-add-row] button, hidden until this script runs. A new row's [data-remove-row] button marks it
// removed (its hidden DELETE input) and hides it, so the numbering of the other rows stays as the server expects.
(function () {
  "use strict";

  function setUp(container) {
    var prefix = container.getAttribute("data-formset");
    var total = container.querySelector("#id_" + prefix + "-TOTAL_FORMS");
    var max = container.querySelector("#id_" + prefix + "-MAX_NUM_FORMS");
    var body = container.querySelector("[data-formset-body]");
    var template = container.querySelector("template[data-formset-template]");
    var add = container.querySelector("[data-add-row]");
    if (!total || !body || !template || !add) {
      return;
    }
    var limit = max ? parseInt(max.value, 10) : Infinity;

    function refresh() {
      add.disabled = parseInt(total.value, 10) >= limit;
    }

    add.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      if (index >= limit) {
        return;
      }
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      var holder = document.createElement("tbody");
      holder.innerHTML = html;
      var empty = body.querySelector("[data-formset-empty]");
      if (empty) {
        empty.remove();
      }
      var rows = Array.prototype.slice.call(holder.children);
      rows.forEach(function (row) {
        body.appendChild(row);
      });
      total.value = String(index + 1);
      refresh();
      var first = rows.length ? rows[0].querySelector("input:not([type=hidden]), select") : null;
      if (first) {
        first.focus();
      }
    });

    body.addEventListener("click", function (event) {
      var button = event.target.closest("[data-remove-row]");
      if (!button) {
        return;
      }
      var row = button.closest("tr");
      var marker = row.querySelector("[data-delete]");
      if (marker) {
        marker.value = "on";
      }
      row.hidden = true;
      add.focus();
    });

    add.hidden = false;
    refresh();
  }

  document.querySelectorAll("[data-formset]").forEach(setUp);
})();
