/* Live updates without a full reload: an element with data-poll="URL" is
   replaced by the HTML that URL returns ({busy, html}) every second until the
   job it shows has ended. Without JavaScript a reload shows the same. */
(function () {
  "use strict";
  var INTERVAL = 1000;

  function poll(element) {
    var url = element.getAttribute("data-poll");
    var target = element.getAttribute("data-poll-target");
    window.setTimeout(function () {
      fetch(url, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (answer) {
          if (!answer) { poll(element); return; }
          var holder = target ? document.getElementById(target) : element.closest("section");
          var fresh = document.createElement("div");
          fresh.innerHTML = answer.html;
          var replacement = fresh.firstElementChild;
          holder.replaceWith(replacement);
          start(replacement);
        })
        .catch(function () { poll(element); });
    }, INTERVAL);
  }

  function start(root) {
    var busy = root.matches && root.matches("[data-poll]") ? [root] : [];
    busy = busy.concat(Array.prototype.slice.call(root.querySelectorAll("[data-poll]")));
    if (busy.length) poll(busy[0]);
  }

  document.addEventListener("DOMContentLoaded", function () { start(document); });
})();
