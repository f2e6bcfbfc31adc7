// Show a conditional question only while its condition holds (the server ignores the answer
// of a question whose condition does not hold, so this is a convenience, not a rule).
(function () {
  "use strict";
  var form = document.getElementById("ces-assessment");
  if (!form) { return; }
  function answers(name) {
    var inputs = form.querySelectorAll('[name="q-' + name + '"]');
    var values = [];
    inputs.forEach(function (input) {
      if ((input.type === "radio" || input.type === "checkbox") && !input.checked) { return; }
      if (input.value !== "") { values.push(input.value); }
    });
    return values;
  }
  function update() {
    form.querySelectorAll("[data-show-if]").forEach(function (group) {
      var wanted = group.getAttribute("data-show-values").split("|");
      var shown = answers(group.getAttribute("data-show-if")).some(function (v) {
        return wanted.indexOf(v) !== -1;
      });
      group.hidden = !shown;
    });
  }
  form.addEventListener("change", update);
  update();
})();
