// Under every text area with a maxlength, a counter "123 / 4,000" that follows the typing. The browser already stops
// at the limit; the counter shows how close it is. Screen readers are not told every keystroke: the field is
// described by one sentence ("At most 4,000 characters"), which changes, and so is announced politely, only when
// the text comes within a tenth of the limit and when it reaches it. The sentences come translated in this script
// tag's data attributes ({limit} is filled in).
(function () {
  "use strict";
  var script = document.currentScript;
  var texts = script ? script.dataset : {};
  var numbers = new Intl.NumberFormat(document.documentElement.lang || undefined, { useGrouping: "always" });

  function sentence(template, limit) {
    return (template || "").replace("{limit}", numbers.format(limit));
  }

  document.querySelectorAll("textarea[maxlength]").forEach(function (field, index) {
    var limit = parseInt(field.getAttribute("maxlength"), 10);
    if (!(limit > 0)) {
      return;
    }
    var id = field.id || "text-counter-field-" + index;
    field.id = id;

    var counter = document.createElement("div");
    counter.className = "form-text text-end text-counter";
    counter.setAttribute("aria-hidden", "true");
    var status = document.createElement("div");
    status.className = "visually-hidden";
    status.id = id + "-length";
    status.setAttribute("aria-live", "polite");
    field.insertAdjacentElement("afterend", counter);
    counter.insertAdjacentElement("afterend", status);
    var described = field.getAttribute("aria-describedby");
    field.setAttribute("aria-describedby", (described ? described + " " : "") + status.id);

    var level = null;
    function update() {
      var used = field.value.length;
      var left = Math.max(limit - used, 0);
      counter.textContent = numbers.format(used) + " / " + numbers.format(limit);
      var now = left === 0 ? "full" : left <= limit / 10 ? "near" : "room";
      counter.classList.toggle("text-counter-near", now !== "room");
      if (now !== level) {
        level = now;
        status.textContent = sentence(now === "full" ? texts.full : now === "near" ? texts.near : texts.room, limit);
      }
    }
    field.addEventListener("input", update);
    update();
  });
})();
