// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector("[data-autofocus]");
    if (summary) summary.focus();
    var form = document.getElementById("vacancy-form");
    if (form) enhanceVacancyForm(form);
  });

  function debounce(fn, ms) {
    var timer;
    return function () { clearTimeout(timer); timer = setTimeout(fn, ms); };
  }

  function enhanceVacancyForm(form) {
    var title = document.getElementById("title");
    var occupation = document.getElementById("occupation");
    var box = document.getElementById("occupation-suggestions");
    var payBox = document.getElementById("pay-check");
    var lastQuery = "";

    // Picking a suggestion fills the code in place instead of sending the form.
    box.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-code]");
      if (!button) return;
      event.preventDefault();
      occupation.value = button.getAttribute("data-code");
      occupation.focus();
    });

    function suggest() {
      var q = title.value.trim();
      if (q.length < 3 || q === lastQuery) return;
      lastQuery = q;
      fetch(form.getAttribute("data-suggest-url") + "?q=" + encodeURIComponent(q), {credentials: "same-origin"})
        .then(function (r) { return r.ok ? r.json() : {suggestions: []}; })
        .then(function (data) {
          box.textContent = "";
          if (!data.suggestions.length) return;
          var list = document.createElement("ul");
          list.className = "suggestions";
          data.suggestions.forEach(function (s) {
            var item = document.createElement("li");
            var button = document.createElement("button");
            button.type = "button";
            button.className = "button button-secondary";
            button.setAttribute("data-code", s.code);
            button.textContent = s.code + " – " + s.label;
            item.appendChild(button);
            list.appendChild(item);
          });
          box.appendChild(list);
        })
        .catch(function () {});
    }
    title.addEventListener("input", debounce(suggest, 400));

    function check() {
      var data = new FormData(form);
      data.delete("action");
      fetch(form.getAttribute("data-check-url"), {
        method: "POST", body: data, credentials: "same-origin",
        headers: {"X-CSRFToken": form.querySelector("[name=csrf_token]").value}
      })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (data && data.complete) payBox.innerHTML = data.pay_text;  // rendered and escaped by the server
        })
        .catch(function () {});
    }
    ["pay-amount", "pay-currency", "pay-period", "hours_per_week", "country"].forEach(function (id) {
      var input = document.getElementById(id);
      if (input) input.addEventListener("change", debounce(check, 300));
    });
  }
})();
