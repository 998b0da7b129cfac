// Progressive enhancement only: every flow works without this file.
"use strict";
(function () {
  // A form submits once: the button is disabled while the page is on its way.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-once")) return;
    if (form.dataset.sent === "1") { event.preventDefault(); return; }
    form.dataset.sent = "1";
    form.setAttribute("aria-busy", "true");
    Array.prototype.forEach.call(form.querySelectorAll("button[type=submit]"), function (b) {
      setTimeout(function () { b.disabled = true; }, 0);
    });
  });
  // The dashboard asks every few seconds whether usage changed, and redraws its figures.
  var figures = document.getElementById("figures");
  if (figures && window.fetch) {
    var every = Math.max(1, parseInt(figures.dataset.every || "20", 10)) * 1000;
    var check = function () {
      if (document.hidden) return;
      fetch(figures.dataset.live + "?v=" + encodeURIComponent(figures.dataset.version), {
        credentials: "same-origin", headers: { "Accept": "text/html" }
      }).then(function (r) {
        if (r.redirected || r.status === 401) { window.location.reload(); return null; }
        if (r.status !== 200) return null;
        figures.dataset.version = r.headers.get("X-Version") || figures.dataset.version;
        return r.text();
      }).then(function (html) { if (html) figures.innerHTML = html; }).catch(function () {});
    };
    setInterval(check, every);
    document.addEventListener("visibilitychange", check);
  }
  // Demo phone: read the prompts aloud with the browser's speech synthesis, each part in its
  // language. Browsers may refuse to speak before a tap: the button is always there.
  var parts = document.querySelectorAll("[data-say]");
  if (parts.length && "speechSynthesis" in window) {
    var say = function () {
      window.speechSynthesis.cancel();
      Array.prototype.forEach.call(parts, function (part) {
        var u = new SpeechSynthesisUtterance(part.textContent);
        u.lang = part.getAttribute("lang") === "en" ? "en-GB" : "it-IT";
        window.speechSynthesis.speak(u);
      });
    };
    var button = document.getElementById("speak");
    if (button) { button.hidden = false; button.addEventListener("click", say); }
    say();
  }
})();
