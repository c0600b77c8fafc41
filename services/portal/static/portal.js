// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector("[data-autofocus]");
    if (summary) summary.focus();
    var form = document.getElementById("vacancy-form");
    if (form) enhanceVacancyForm(form);
    enhanceWorkspace();
  });

  // Installable on a phone: a service worker keeps the look of the pages and an offline page (never people's data).
  var worker = document.currentScript && document.currentScript.getAttribute("data-sw");
  if (worker && "serviceWorker" in navigator) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register(worker, { scope: "/" }).catch(function () { /* the pages work without it */ });
    });
  }

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

  // The workspace: a language chosen in a list shows at once; the summary prints from a button; Puente's
  // suggestions appear as the counsellor types the person's stories (the page's button does the same without us).
  function enhanceWorkspace() {
    Array.prototype.forEach.call(document.querySelectorAll("select[data-autosubmit]"), function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
    var printButton = document.querySelector("[data-print]");
    if (printButton) {
      printButton.hidden = false;
      printButton.addEventListener("click", function () { window.print(); });
    }
    var form = document.getElementById("experience-form");
    if (form) enhanceExperienceForm(form);
  }

  function checkedValues(box) {
    var kept = {};
    Array.prototype.forEach.call(box.querySelectorAll("input:checked"), function (input) {
      kept[input.name] = input.value;
    });
    return kept;
  }

  function restore(box, kept) {
    Object.keys(kept).forEach(function (name) {
      var input = box.querySelector('input[name="' + name + '"][value="' + kept[name] + '"]');
      if (input) input.checked = true;
    });
  }

  function enhanceExperienceForm(form) {
    var url = form.getAttribute("data-suggest-url");
    var token = form.querySelector("[name=csrf_token]").value;
    var skillBox = document.getElementById("skill-suggestions");
    var suggested = form.querySelector("[name=suggested]");

    function ask(data, done) {
      fetch(url, {method: "POST", body: data, credentials: "same-origin", headers: {"X-CSRFToken": token}})
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (answer) { if (answer && answer.html !== null) done(answer); })
        .catch(function () {});
    }

    function stories() {
      var parts = [];
      Array.prototype.forEach.call(form.querySelectorAll("textarea"), function (t) { if (t.value) parts.push(t.value); });
      return parts.join(" . ");
    }

    function suggestSkills() {
      var decided = [];
      Array.prototype.forEach.call(form.querySelectorAll("input[name=skills]"), function (i) { decided.push(i.value); });
      var kept = checkedValues(skillBox);
      var data = new FormData();
      data.append("text", stories());
      data.append("kind", "skill");
      var rejected = form.querySelector("[name=rejected]").value;
      data.append("exclude", decided.concat(rejected ? rejected.split(",") : []).join(","));
      ask(data, function (answer) {
        skillBox.innerHTML = answer.html;  // rendered and escaped by the server
        restore(skillBox, kept);
        suggested.value = answer.codes.join(",");
      });
    }

    function suggestOccupation(row) {
      var index = row.getAttribute("data-row");
      var box = document.getElementById("jobs-" + index + "-occupation-options");
      var title = row.querySelector("[name='jobs-" + index + "-title']");
      var story = row.querySelector("textarea");
      var data = new FormData();
      data.append("text", [title.value, story.value].join(" . "));
      data.append("kind", "occupation");
      data.append("row", index);
      ask(data, function (answer) {
        var current = box.querySelector("input:checked");
        var none = box.querySelector("input[value='']");
        var noneChoice = none && none.closest(".choice");
        var currentChoice = current && current.value !== "" ? current.closest(".choice") : null;
        box.innerHTML = answer.html;
        if (currentChoice) {
          var same = box.querySelector("input[value='" + current.value + "']");
          if (same) same.checked = true; else box.insertBefore(currentChoice, box.firstChild);
        }
        if (noneChoice) box.appendChild(noneChoice);
      });
    }

    Array.prototype.forEach.call(form.querySelectorAll("[data-suggest]"), function (input) {
      var row = input.closest(".job");
      input.addEventListener("input", debounce(function () {
        suggestSkills();
        if (row) suggestOccupation(row);
      }, 600));
    });
  }
})();
