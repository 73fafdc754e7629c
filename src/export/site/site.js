/* Trellis offline course website: the search page and practice quizzes scored in the page.
 * Self-contained: no framework, no network access, works from file://. The search index is
 * window.TRELLIS_SEARCH (site/search-index.js); answer keys are the JSON in #site-quiz-data. */
(function () {
  "use strict";

  function fold(text) {
    var t = String(text == null ? "" : text).toLowerCase();
    return t.normalize ? t.normalize("NFD").replace(/[\u0300-\u036f]/g, "") : t;
  }

  /* ---- search ------------------------------------------------------------------------------ */

  function startSearch() {
    var list = document.getElementById("site-results");
    var summary = document.getElementById("site-results-summary");
    var input = document.getElementById("site-q");
    var index = window.TRELLIS_SEARCH;
    if (!list || !summary || !input || !index) return;
    var folded = index.map(function (e) {
      return { entry: e, title: fold(e.t), text: fold(e.t + " " + e.p + " " + e.x) };
    });

    function run(query) {
      var words = fold(query).split(/\s+/).filter(Boolean);
      while (list.firstChild) list.removeChild(list.firstChild);
      if (!words.length) {
        summary.textContent = "Type words in the search box to find pages, activities and assessments of the course.";
        return;
      }
      var hits = folded.filter(function (f) {
        return words.every(function (w) { return f.text.indexOf(w) >= 0; });
      });
      hits.sort(function (a, b) {
        var sa = words.filter(function (w) { return a.title.indexOf(w) >= 0; }).length;
        var sb = words.filter(function (w) { return b.title.indexOf(w) >= 0; }).length;
        return sb - sa;
      });
      hits.slice(0, 100).forEach(function (f) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = f.entry.u;
        a.textContent = f.entry.t;
        li.appendChild(a);
        if (f.entry.p) {
          var p = document.createElement("p");
          p.className = "trellis-meta";
          p.textContent = f.entry.p;
          li.appendChild(p);
        }
        list.appendChild(li);
      });
      summary.textContent = hits.length === 0
        ? "Nothing found for \u201c" + query.trim() + "\u201d."
        : hits.length + (hits.length === 1 ? " result" : " results") + " for \u201c" + query.trim() + "\u201d" +
          (hits.length > 100 ? " (the first 100 are shown)." : ".");
    }

    var query = "";
    var match = /[?&]q=([^&#]*)/.exec(window.location.search);
    if (match) {
      try {
        query = decodeURIComponent(match[1].replace(/\+/g, " "));
      } catch (e) {
        query = "";
      }
    }
    input.value = query;
    run(query);
    input.addEventListener("input", function () { run(input.value); });
    var form = input.form;
    if (form) {
      form.addEventListener("submit", function (e) {
        e.preventDefault();
        run(input.value);
      });
    }
  }

  /* ---- practice quizzes --------------------------------------------------------------------- */

  function readKeys() {
    var el = document.getElementById("site-quiz-data");
    if (!el) return {};
    var byId = {};
    try {
      (JSON.parse(el.textContent || "{}").items || []).forEach(function (item) { byId[item.id] = item; });
    } catch (e) {
      return {};
    }
    return byId;
  }

  function normalise(text, caseSensitive) {
    var t = String(text == null ? "" : text).replace(/\s+/g, " ").trim();
    return caseSensitive ? t : t.toLowerCase();
  }

  function readAnswer(item, el) {
    var checked, i;
    switch (item.type) {
      case "multipleChoice":
      case "trueFalse":
        checked = el.querySelector("input:checked");
        return checked ? checked.value : null;
      case "multipleResponse": {
        var boxes = el.querySelectorAll("input:checked");
        var values = [];
        for (i = 0; i < boxes.length; i++) values.push(boxes[i].value);
        return values.length ? values : null;
      }
      case "matching": {
        var selects = el.querySelectorAll("select[data-pair]");
        var chosen = {};
        var any = false;
        for (i = 0; i < selects.length; i++) {
          chosen[selects[i].getAttribute("data-pair")] = selects[i].value;
          if (selects[i].value) any = true;
        }
        return any ? chosen : null;
      }
      default: {
        var field = el.querySelector("input, textarea");
        return field && field.value.trim() !== "" ? field.value : null;
      }
    }
  }

  /* Share of the item's points earned (0..1), or null when the item is not scored. */
  function grade(item, answer) {
    var key = item.key || {};
    var i;
    switch (item.type) {
      case "multipleChoice":
      case "trueFalse":
        return answer != null && answer === String(key.correct != null ? key.correct : key.answer) ? 1 : 0;
      case "multipleResponse": {
        var chosen = [].concat(answer || []).sort();
        var correct = [].concat(key.correct || []).sort();
        if (chosen.length !== correct.length) return 0;
        for (i = 0; i < chosen.length; i++) if (chosen[i] !== correct[i]) return 0;
        return 1;
      }
      case "shortAnswer":
        if (answer == null) return 0;
        for (i = 0; i < (key.answers || []).length; i++) {
          if (normalise(key.answers[i], key.caseSensitive) === normalise(answer, key.caseSensitive)) return 1;
        }
        return 0;
      case "numeric": {
        if (answer == null) return 0;
        var x = parseFloat(String(answer).replace(",", "."));
        return isFinite(x) && Math.abs(x - key.answer) <= (key.tolerance || 0) + 1e-9 ? 1 : 0;
      }
      case "matching": {
        var pairs = key.pairs || [];
        if (!pairs.length) return 0;
        var right = 0;
        for (i = 0; i < pairs.length; i++) if (answer && answer[pairs[i]] === pairs[i]) right++;
        return right / pairs.length;
      }
    }
    return null;
  }

  function showFeedback(el, share, answer) {
    var box = el.querySelector(".trellis-feedback");
    if (!box) return;
    while (box.firstChild) box.removeChild(box.firstChild);
    el.classList.remove("is-correct", "is-incorrect", "is-partial");
    var verdict = document.createElement("p");
    if (share == null) {
      verdict.textContent = "Not scored: compare your answer with the course materials.";
    } else if (share >= 1) {
      el.classList.add("is-correct");
      verdict.textContent = "Correct.";
    } else if (share > 0) {
      el.classList.add("is-partial");
      verdict.textContent = "Partly correct.";
    } else {
      el.classList.add("is-incorrect");
      verdict.textContent = answer == null ? "Not answered." : "Not quite.";
    }
    box.appendChild(verdict);
    var templates = [];
    [].concat(answer || []).forEach(function (choice) {
      var t = el.querySelector('template.fb-choice[data-choice="' + choice + '"]');
      if (t) templates.push(t);
    });
    var general = el.querySelector(share != null && share >= 1 ? "template.fb-correct" : "template.fb-incorrect");
    if (general && share != null) templates.push(general);
    templates.forEach(function (t) { box.appendChild(document.importNode(t.content, true)); });
  }

  function lock(form, locked) {
    var fields = form.querySelectorAll("input, select, textarea, button[type=submit]");
    for (var i = 0; i < fields.length; i++) fields[i].disabled = locked;
  }

  function startQuizzes() {
    var keys = readKeys();
    var forms = document.querySelectorAll("form.site-quiz");
    Array.prototype.forEach.call(forms, function (form) {
      var result = form.querySelector(".trellis-result");
      form.addEventListener("submit", function (e) {
        e.preventDefault();
        var earned = 0;
        var possible = 0;
        Array.prototype.forEach.call(form.querySelectorAll("[data-item]"), function (el) {
          var item = keys[el.getAttribute("data-item")];
          if (!item) return;
          var answer = readAnswer(item, el);
          var share = grade(item, answer);
          if (share != null) {
            earned += share * item.points;
            possible += item.points;
          }
          showFeedback(el, share, answer);
        });
        var rounded = Math.round(earned * 100) / 100;
        result.textContent = possible > 0
          ? "Score: " + rounded + " of " + possible + " points (" + Math.round((earned / possible) * 100) + " %)."
          : "Nothing here is scored.";
        form.classList.add("is-submitted");
        lock(form, true);
        var retry = form.querySelector(".trellis-retry");
        if (retry) retry.focus();
      });
      var retry = form.querySelector(".trellis-retry");
      if (retry) {
        retry.addEventListener("click", function () {
          form.reset();
          lock(form, false);
          form.classList.remove("is-submitted");
          result.textContent = "";
          Array.prototype.forEach.call(form.querySelectorAll("[data-item]"), function (el) {
            el.classList.remove("is-correct", "is-incorrect", "is-partial");
            var box = el.querySelector(".trellis-feedback");
            while (box && box.firstChild) box.removeChild(box.firstChild);
          });
          var first = form.querySelector("input, select, textarea");
          if (first) first.focus();
        });
      }
    });
  }

  /* ---- interactive content opened from file:// ------------------------------------------------ */

  /* Interactive content is framed with sandbox="allow-scripts allow-forms": an origin of its own
   * that cannot reach this page. A browser gives such a frame no local files at all (its scripts,
   * styles and images would be refused), so a site opened from file:// reloads those frames in the
   * site's own origin (still without top navigation, popups or downloads); served over http(s),
   * the frames stay sandboxed. docs/export.md, "Interactive content". */
  function startLocalFrames() {
    if (window.location.protocol !== "file:") return;
    var frames = document.querySelectorAll(".trellis-interactive iframe[sandbox]");
    Array.prototype.forEach.call(frames, function (frame) {
      var local = frame.cloneNode(false);
      local.setAttribute("sandbox", "allow-scripts allow-forms allow-same-origin");
      frame.parentNode.replaceChild(local, frame);
    });
  }

  startSearch();
  startQuizzes();
  startLocalFrames();
})();
