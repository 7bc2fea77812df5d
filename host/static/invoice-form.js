/* Choosing a service fills an empty description and price of its line. */
document.querySelectorAll("select.line-service").forEach(function (select) {
  select.addEventListener("change", function () {
    var option = select.selectedOptions[0], row = select.closest("tr");
    if (!option || !option.dataset.price) return;
    var description = row.querySelector(".line-description"), price = row.querySelector(".line-price");
    if (!description.value.trim()) description.value = option.dataset.name;
    if (!price.value.trim()) price.value = option.dataset.price;
  });
});
