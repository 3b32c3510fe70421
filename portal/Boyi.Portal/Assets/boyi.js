// Boyi partner portal: the little script it needs. Served by the portal itself; no inline scripts anywhere.
(function () {
  "use strict";

  // Charts: every .boyi-chart element carries its ECharts option as JSON in data-chart.
  function drawCharts() {
    if (!window.echarts) return;
    document.querySelectorAll(".boyi-chart[data-chart]").forEach(function (el) {
      var chart = echarts.init(el, null, { renderer: "svg" });
      chart.setOption(JSON.parse(el.getAttribute("data-chart")));
      el.setAttribute("data-drawn", "true");
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  // A unified social credit code (GB 32100-2015) checked as it is typed; the server checks it again.
  var alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  var weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  function creditCodeProblem(code, texts) {
    code = code.trim().toUpperCase();
    if (code.length !== 18) return texts.length;
    var sum = 0;
    for (var i = 0; i < 17; i++) {
      var v = alphabet.indexOf(code[i]);
      if (v < 0) return texts.character + " " + code[i];
      sum += v * weights[i];
    }
    return alphabet[(31 - (sum % 31)) % 31] === code[17] ? "" : texts.checksum;
  }
  function watchCreditCodes() {
    document.querySelectorAll("[data-credit-code]").forEach(function (input) {
      var hint = document.getElementById(input.id + "-hint");
      var texts = { length: input.dataset.msgLength, character: input.dataset.msgCharacter, checksum: input.dataset.msgChecksum };
      input.addEventListener("input", function () {
        var problem = input.value ? creditCodeProblem(input.value, texts) : "";
        hint.textContent = problem;
        input.classList.toggle("is-invalid", problem !== "");
        input.setAttribute("aria-invalid", problem ? "true" : "false");
      });
    });
  }

  // Forms that ask before doing something that cannot be undone (data-confirm="question").
  function confirmations() {
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (e) {
        if (!window.confirm(form.getAttribute("data-confirm"))) e.preventDefault();
      });
    });
  }

  // Show the fields a choice needs (data-show-when="selectId:value1,value2").
  function dependentFields() {
    document.querySelectorAll("[data-show-when]").forEach(function (el) {
      var parts = el.getAttribute("data-show-when").split(":");
      var select = document.getElementById(parts[0]);
      var values = parts[1].split(",");
      function update() { el.hidden = values.indexOf(select.value) < 0; }
      if (select) { select.addEventListener("change", update); update(); }
    });
  }

  // Print buttons (data-print): the page's print stylesheet lays out what is printed.
  function printButtons() {
    document.querySelectorAll("[data-print]").forEach(function (b) {
      b.addEventListener("click", function () { window.print(); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    printButtons();
    drawCharts();
    watchCreditCodes();
    confirmations();
    dependentFields();
  });
})();
