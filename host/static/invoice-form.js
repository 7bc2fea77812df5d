/* The invoice form: choosing a service fills an empty description and price of
   its line; "Add line" adds an empty line row; choosing a client sets the
   currency to the client's unless the clerk typed another one. */
(function () {
  "use strict";

  function fillFromService(select) {
    var option = select.selectedOptions[0], row = select.closest("tr");
    if (!option || !option.dataset.price) return;
    var description = row.querySelector(".line-description"), price = row.querySelector(".line-price");
    if (!description.value.trim()) description.value = option.dataset.name;
    if (!price.value.trim()) price.value = option.dataset.price;
  }

  document.addEventListener("change", function (event) {
    if (event.target.matches("select.line-service")) fillFromService(event.target);
  });

  /* A copy of the last line row, emptied, with the next index in its field names. */
  function addLine(button) {
    var body = document.querySelector("table." + button.dataset.table + " tbody");
    var last = body.rows[body.rows.length - 1];
    var index = body.rows.length;
    var row = last.cloneNode(true);
    row.querySelectorAll("[name], [id], [aria-label]").forEach(function (field) {
      ["name", "id"].forEach(function (attribute) {
        var value = field.getAttribute(attribute);
        if (value) field.setAttribute(attribute, value.replace(/^(\w+)-\d+-/, "$1-" + index + "-"));
      });
      var label = field.getAttribute("aria-label");
      if (label) field.setAttribute("aria-label", label.replace(/\d+$/, String(index + 1)));
      if (field.type === "checkbox") field.checked = false;
      else if (field.tagName === "SELECT") field.selectedIndex = 0;
      else if ("value" in field && field.type !== "hidden") field.value = "";
    });
    row.querySelectorAll(".field-error").forEach(function (error) { error.remove(); });
    body.appendChild(row);
    var first = row.querySelector("select, input, textarea");
    if (first) first.focus();
  }

  document.querySelectorAll("button.add-line").forEach(function (button) {
    button.addEventListener("click", function () { addLine(button); });
  });

  var client = document.querySelector("select.invoice-client");
  var currency = document.querySelector("input.invoice-currency");
  if (client && currency) {
    var follows = function () {
      var option = client.selectedOptions[0];
      return option && option.dataset.currency;
    };
    var previous = follows();
    client.addEventListener("change", function () {
      var next = follows();
      if (next && (!currency.value.trim() || currency.value.trim().toUpperCase() === previous)) currency.value = next;
      previous = next;
    });
  }
})();
