// The export page's "select all" box (templates/admin/import_export/export.html): the package wires it with an
// onchange attribute, which the content security policy refuses; its handler is bound here instead.
document.addEventListener("DOMContentLoaded", () => {
  const toggle = document.getElementById("select-all-toggle");
  if (toggle && typeof onSelectToggleChange === "function") {
    toggle.addEventListener("change", onSelectToggleChange);
  }
});
