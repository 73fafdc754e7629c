/* Trellis lesson runtime: quiz grading, progress and resume state for one exported lesson page.
 *
 * This file knows nothing about SCORM or cmi5. An adapter (scorm.js or cmi5.js, loaded after this
 * file) calls Trellis.start(adapter); the adapter turns the lesson's snapshots into LMS calls.
 * Adapter contract (every method may return a value or a Promise):
 *   open()            -> {connected, state, location, mastery, mode, notice}
 *   record(snap, why) -> called after every change and when the page is hidden
 *   close(snap, why)  -> called exactly once, when the learner finishes or the page goes away
 * Interactive content (an H5P package or an HTML5 simulation in a frame of the page) reports its
 * results by `postMessage` (docs/export.md, "Interactive content"); they count like quiz items for
 * the objectives the activity is aligned to and are recorded as interactions.
 * No framework, no network access of its own, no `unload` handler. */
(function () {
  "use strict";

  var SUSPEND_VERSION = 1;

  function byId(id) {
    return document.getElementById(id);
  }

  function readConfig() {
    var el = byId("trellis-data");
    if (!el) return { items: [], objectives: [], mastery: null, quizzes: [] };
    try {
      return JSON.parse(el.textContent || "{}");
    } catch (e) {
      return { items: [], objectives: [], mastery: null, quizzes: [] };
    }
  }

  function normalise(text, caseSensitive) {
    var t = String(text == null ? "" : text).replace(/\s+/g, " ").trim();
    return caseSensitive ? t : t.toLowerCase();
  }

  /* ---- answers: read from / write to the form controls ------------------------------------ */

  function itemElement(id) {
    return document.querySelector('[data-item="' + id + '"]');
  }

  function readAnswer(item) {
    var el = itemElement(item.id);
    if (!el) return null;
    var i;
    switch (item.type) {
      case "multipleChoice":
      case "trueFalse": {
        var checked = el.querySelector("input:checked");
        return checked ? checked.value : null;
      }
      case "multipleResponse": {
        var boxes = el.querySelectorAll("input:checked");
        if (!boxes.length) return null;
        var values = [];
        for (i = 0; i < boxes.length; i++) values.push(boxes[i].value);
        return values;
      }
      case "shortAnswer":
      case "numeric":
      case "essay": {
        var field = el.querySelector("input, textarea");
        return field && field.value.trim() !== "" ? field.value : null;
      }
      case "matching": {
        var selects = el.querySelectorAll("select[data-pair]");
        var map = {};
        var any = false;
        for (i = 0; i < selects.length; i++) {
          if (selects[i].value) {
            map[selects[i].getAttribute("data-pair")] = selects[i].value;
            any = true;
          }
        }
        return any ? map : null;
      }
    }
    return null;
  }

  function writeAnswer(item, answer) {
    var el = itemElement(item.id);
    if (!el || answer == null) return;
    var i;
    switch (item.type) {
      case "multipleChoice":
      case "trueFalse":
      case "multipleResponse": {
        var wanted = [].concat(answer);
        var inputs = el.querySelectorAll("input");
        for (i = 0; i < inputs.length; i++) inputs[i].checked = wanted.indexOf(inputs[i].value) >= 0;
        break;
      }
      case "shortAnswer":
      case "numeric":
      case "essay": {
        var field = el.querySelector("input, textarea");
        if (field) field.value = String(answer);
        break;
      }
      case "matching": {
        var selects = el.querySelectorAll("select[data-pair]");
        for (i = 0; i < selects.length; i++) {
          var v = answer[selects[i].getAttribute("data-pair")];
          if (v) selects[i].value = v;
        }
        break;
      }
    }
  }

  /* ---- grading ------------------------------------------------------------------------------ */

  /* Fraction of the item's points earned (0..1), or null when the item is not machine-scored. */
  function grade(item, answer) {
    var key = item.key || {};
    var i;
    switch (item.type) {
      case "multipleChoice":
        return answer != null && answer === key.correct ? 1 : 0;
      case "trueFalse":
        return answer != null && answer === String(key.answer) ? 1 : 0;
      case "multipleResponse": {
        var chosen = [].concat(answer || []).sort();
        var correct = [].concat(key.correct || []).sort();
        if (chosen.length !== correct.length) return 0;
        for (i = 0; i < chosen.length; i++) if (chosen[i] !== correct[i]) return 0;
        return 1;
      }
      case "shortAnswer": {
        if (answer == null) return 0;
        var given = normalise(answer, key.caseSensitive);
        for (i = 0; i < (key.answers || []).length; i++) {
          if (normalise(key.answers[i], key.caseSensitive) === given) return 1;
        }
        return 0;
      }
      case "numeric": {
        if (answer == null) return 0;
        var x = parseFloat(String(answer).replace(",", "."));
        if (!isFinite(x)) return 0;
        return Math.abs(x - key.answer) <= (key.tolerance || 0) + 1e-9 ? 1 : 0;
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

  /* A submitted quiz is locked until "Try again", so its score cannot drift from what was graded. */
  function lock(form, locked) {
    var fields = form.querySelectorAll("input, select, textarea, button[type=submit]");
    for (var i = 0; i < fields.length; i++) fields[i].disabled = locked;
  }

  function round(x, digits) {
    var f = Math.pow(10, digits);
    return Math.round(x * f) / f;
  }

  /* ---- the lesson ---------------------------------------------------------------------------- */

  function Lesson(config, adapter) {
    this.config = config;
    this.adapter = adapter;
    this.items = config.items || [];
    this.itemsById = {};
    for (var i = 0; i < this.items.length; i++) this.itemsById[this.items[i].id] = this.items[i];
    this.quizzes = config.quizzes || [];
    this.interactives = config.interactives || [];
    this.interactiveById = {};
    for (var k = 0; k < this.interactives.length; k++) this.interactiveById[this.interactives[k].id] = this.interactives[k];
    this.results = {}; // interactive activity id -> {scaled, raw, max, success, response}
    this.submitted = {}; // quiz id -> true
    this.attempt = 0; // number of quiz submissions in this session
    this.location = "";
    this.reachedEnd = false;
    this.mastery = typeof config.mastery === "number" ? config.mastery : null;
    this.connected = false;
    this.closed = false;
    this.startedAt = Date.now();
    this.mode = "normal";
  }

  Lesson.prototype.sessionSeconds = function () {
    return Math.max(0, (Date.now() - this.startedAt) / 1000);
  };

  Lesson.prototype.allSubmitted = function () {
    for (var i = 0; i < this.quizzes.length; i++) {
      if (this.quizzes[i].scored && !this.submitted[this.quizzes[i].id]) return false;
    }
    return true;
  };

  Lesson.prototype.completed = function () {
    return this.reachedEnd && this.allSubmitted();
  };

  /* The score over every machine-scored item of the scored quizzes, or null before submission. */
  Lesson.prototype.score = function () {
    var scored = this.quizzes.filter(function (q) {
      return q.scored;
    });
    if (!scored.length) return null;
    var earned = 0;
    var max = 0;
    var any = false;
    for (var q = 0; q < scored.length; q++) {
      if (!this.submitted[scored[q].id]) continue;
      any = true;
      for (var i = 0; i < scored[q].items.length; i++) {
        var item = this.itemsById[scored[q].items[i]];
        if (!item) continue;
        var g = grade(item, readAnswer(item));
        if (g == null) continue;
        earned += g * item.points;
        max += item.points;
      }
    }
    if (!any || !this.allSubmitted()) return null;
    var scaled = max > 0 ? earned / max : 0;
    return {
      raw: round(earned, 2),
      min: 0,
      max: round(max, 2),
      scaled: round(scaled, 4),
      passed: this.mastery == null ? null : scaled + 1e-9 >= this.mastery,
    };
  };

  /* One entry per aligned curriculum objective, scored from the items aligned to it. */
  Lesson.prototype.objectives = function () {
    var out = [];
    var done = this.completed();
    for (var o = 0; o < (this.config.objectives || []).length; o++) {
      var obj = this.config.objectives[o];
      var earned = 0;
      var max = 0;
      var answeredAll = true;
      var counted = 0;
      for (var i = 0; i < obj.items.length; i++) {
        var item = this.itemsById[obj.items[i]];
        if (!item || !this.submitted[item.quiz]) {
          answeredAll = false;
          continue;
        }
        var g = grade(item, readAnswer(item));
        if (g == null) continue;
        earned += g * item.points;
        max += item.points;
        counted++;
      }
      // Interactive content aligned to the objective counts like an item worth its own maximum.
      var interactive = 0;
      var successes = 0;
      var judged = 0;
      for (var n = 0; n < (obj.interactives || []).length; n++) {
        var r = this.results[obj.interactives[n]];
        if (!r) {
          answeredAll = false;
          continue;
        }
        earned += r.scaled * r.weight;
        max += r.weight;
        counted++;
        interactive++;
        if (typeof r.success === "boolean") {
          judged++;
          if (r.success) successes++;
        }
      }
      var entry = { id: obj.id, completed: done, score: null, passed: null };
      if (counted > 0 && answeredAll) {
        var scaled = max > 0 ? earned / max : 0;
        entry.score = { raw: round(earned, 2), min: 0, max: round(max, 2), scaled: round(scaled, 4) };
        entry.passed = this.mastery == null ? null : scaled + 1e-9 >= this.mastery;
        // Without a mastery score, content that only interactive content judged passes as it says.
        if (entry.passed == null && interactive === counted && judged === interactive) entry.passed = successes === judged;
      }
      out.push(entry);
    }
    return out;
  };

  /* One record per item of every submitted quiz: what was asked, answered and how it scored. */
  Lesson.prototype.interactions = function (onlyQuiz) {
    var out = [];
    for (var q = 0; q < this.quizzes.length; q++) {
      var quiz = this.quizzes[q];
      if (!this.submitted[quiz.id] || (onlyQuiz && quiz.id !== onlyQuiz)) continue;
      for (var i = 0; i < quiz.items.length; i++) {
        var item = this.itemsById[quiz.items[i]];
        if (!item) continue;
        var answer = readAnswer(item);
        out.push({ item: item, answer: answer, grade: grade(item, answer) });
      }
    }
    for (var a = 0; a < this.interactives.length; a++) {
      var act = this.interactives[a];
      var r = this.results[act.id];
      if (!r || (onlyQuiz && onlyQuiz !== act.id)) continue;
      out.push({
        item: { id: act.id, type: "interactive", objectives: act.objectives || [], points: r.weight, text: act.title },
        answer: r.response == null ? null : r.response,
        grade: r.scaled,
        success: typeof r.success === "boolean" ? r.success : null,
      });
    }
    return out;
  };

  /* A result from an interactive frame (docs/export.md, "Interactive content"), checked. */
  function readResult(data) {
    if (!data || typeof data !== "object" || data.type !== "trellis:result") return null;
    if (data.verb !== "answered" && data.verb !== "completed") return null;
    var score = data.score && typeof data.score === "object" ? data.score : {};
    var finite = function (x) {
      return typeof x === "number" && isFinite(x);
    };
    var scaled = finite(score.scaled) ? score.scaled : null;
    if (scaled == null && finite(score.raw) && finite(score.max) && score.max > 0) scaled = score.raw / score.max;
    if (scaled == null) return null;
    return {
      scaled: round(Math.max(0, Math.min(1, scaled)), 4),
      weight: finite(score.max) && score.max > 0 && score.max <= 1000 ? score.max : 1,
      success: typeof data.success === "boolean" ? data.success : null,
      response: typeof data.response === "string" ? data.response.slice(0, 4000) : null,
    };
  }

  /* Compact resume state: answers by item position, submitted quizzes by position, end flag. */
  Lesson.prototype.suspendData = function (limit) {
    var answers = {};
    for (var i = 0; i < this.items.length; i++) {
      var a = readAnswer(this.items[i]);
      if (a == null) continue;
      var item = this.items[i];
      if (item.type === "multipleChoice" || item.type === "multipleResponse") {
        a = [].concat(a).map(function (v) {
          return item.choices.indexOf(v);
        });
      } else if (item.type === "matching") {
        var m = {};
        for (var k in a) if (Object.prototype.hasOwnProperty.call(a, k)) m[item.pairs.indexOf(k)] = item.pairs.indexOf(a[k]);
        a = m;
      }
      answers[i] = a;
    }
    var subs = [];
    for (var q = 0; q < this.quizzes.length; q++) if (this.submitted[this.quizzes[q].id]) subs.push(q);
    var state = { v: SUSPEND_VERSION, a: answers, s: subs, e: this.reachedEnd ? 1 : 0 };
    var results = {};
    var anyResult = false;
    for (var r = 0; r < this.interactives.length; r++) {
      var res = this.results[this.interactives[r].id];
      if (!res) continue;
      results[r] = [res.scaled, res.weight, res.success == null ? -1 : res.success ? 1 : 0];
      anyResult = true;
    }
    if (anyResult) state.i = results;
    var text = JSON.stringify(state);
    if (limit && text.length > limit) {
      // Free-text answers are the only unbounded part; drop them before anything else.
      for (var j in answers) {
        if (typeof answers[j] === "string" && this.items[j].type === "essay") delete answers[j];
      }
      text = JSON.stringify(state);
      if (text.length > limit) text = JSON.stringify({ v: SUSPEND_VERSION, a: {}, s: subs, e: state.e, i: state.i });
    }
    return text;
  };

  Lesson.prototype.restore = function (text) {
    if (!text) return;
    var state;
    try {
      state = JSON.parse(text);
    } catch (e) {
      return;
    }
    if (!state || state.v !== SUSPEND_VERSION) return;
    for (var i in state.a || {}) {
      var item = this.items[i];
      if (!item) continue;
      var a = state.a[i];
      if (item.type === "multipleChoice" || item.type === "multipleResponse") {
        a = [].concat(a).map(function (n) {
          return item.choices[n];
        });
        if (item.type === "multipleChoice") a = a[0];
      } else if (item.type === "matching") {
        var m = {};
        for (var k in a) if (item.pairs[k] && item.pairs[a[k]]) m[item.pairs[k]] = item.pairs[a[k]];
        a = m;
      }
      writeAnswer(item, a);
    }
    for (var q = 0; q < (state.s || []).length; q++) {
      var quiz = this.quizzes[state.s[q]];
      if (quiz) {
        this.submitted[quiz.id] = true;
        this.showFeedback(quiz);
      }
    }
    if (state.e) this.reachedEnd = true;
    for (var r in state.i || {}) {
      var act = this.interactives[r];
      var saved = state.i[r];
      if (!act || !saved || typeof saved[0] !== "number") continue;
      this.results[act.id] = {
        scaled: saved[0],
        weight: typeof saved[1] === "number" && saved[1] > 0 ? saved[1] : 1,
        success: saved[2] === 1 ? true : saved[2] === 0 ? false : null,
        response: null,
      };
    }
  };

  Lesson.prototype.snapshot = function () {
    return {
      location: this.location,
      completed: this.completed(),
      score: this.score(),
      objectives: this.objectives(),
      sessionSeconds: this.sessionSeconds(),
      suspendData: this.suspendData.bind(this),
      attempt: this.attempt,
      lastQuiz: this.lastQuiz || null,
      interactions: this.interactions.bind(this),
      hasQuiz: this.quizzes.some(function (q) {
        return q.scored;
      }),
    };
  };

  /* Every change is recorded (the adapter commits); a failing LMS never breaks the page. */
  Lesson.prototype.changed = function (why) {
    if (this.closed || !this.connected) return;
    try {
      var result = this.adapter.record(this.snapshot(), why);
      if (result && typeof result.catch === "function") result.catch(function () {});
    } catch (e) {
      /* the adapter reports its own failures */
    }
  };

  Lesson.prototype.close = function (why) {
    if (this.closed) return;
    this.closed = true;
    if (!this.connected) return;
    try {
      var result = this.adapter.close(this.snapshot(), why);
      if (result && typeof result.catch === "function") result.catch(function () {});
    } catch (e) {
      /* nothing more can be done while the page goes away */
    }
  };

  Lesson.prototype.showFeedback = function (quiz) {
    var form = document.querySelector('form[data-quiz="' + quiz.id + '"]');
    var earned = 0;
    var max = 0;
    for (var i = 0; i < quiz.items.length; i++) {
      var item = this.itemsById[quiz.items[i]];
      if (!item) continue;
      var el = itemElement(item.id);
      var g = grade(item, readAnswer(item));
      if (!el) continue;
      var fb = el.querySelector(".trellis-feedback");
      el.classList.remove("is-correct", "is-incorrect", "is-partial");
      if (g == null) {
        if (fb) fb.textContent = "Saved. This answer is reviewed by your instructor.";
        continue;
      }
      earned += g * item.points;
      max += item.points;
      var unanswered = readAnswer(item) == null;
      el.classList.add(g >= 1 ? "is-correct" : g > 0 ? "is-partial" : "is-incorrect");
      var text = el.querySelector(g >= 1 ? "template.fb-correct" : "template.fb-incorrect");
      if (fb) {
        fb.innerHTML = "";
        var label = document.createElement("strong");
        label.textContent = g >= 1 ? "Correct. " : g > 0 ? "Partly correct. " : unanswered ? "Not answered. " : "Not quite. ";
        fb.appendChild(label);
        if (text) fb.appendChild(document.importNode(text.content, true));
        var picked = el.querySelectorAll("input:checked");
        for (var c = 0; c < picked.length; c++) {
          var own = el.querySelector('template.fb-choice[data-choice="' + picked[c].value + '"]');
          if (own) fb.appendChild(document.importNode(own.content, true));
        }
      }
    }
    if (form) {
      var result = form.querySelector(".trellis-result");
      if (result) {
        var pct = max > 0 ? Math.round((earned / max) * 100) : 0;
        var verdict = "";
        if (quiz.scored && this.mastery != null) {
          verdict = earned / (max || 1) + 1e-9 >= this.mastery ? " Passed." : " Not passed yet.";
        }
        result.textContent =
          "Score: " + round(earned, 2) + " of " + round(max, 2) + " points (" + pct + "%)." + verdict;
      }
      form.classList.add("is-submitted");
      lock(form, true);
    }
  };

  Lesson.prototype.wire = function () {
    var self = this;
    var forms = document.querySelectorAll("form[data-quiz]");
    Array.prototype.forEach.call(forms, function (form) {
      var quiz = null;
      for (var i = 0; i < self.quizzes.length; i++) if (self.quizzes[i].id === form.getAttribute("data-quiz")) quiz = self.quizzes[i];
      if (!quiz) return;
      form.addEventListener("submit", function (ev) {
        ev.preventDefault();
        self.submitted[quiz.id] = true;
        self.attempt++;
        self.lastQuiz = quiz.id;
        self.showFeedback(quiz);
        self.changed("submit");
      });
      form.addEventListener("change", function () {
        self.changed("answer");
      });
      var retry = form.querySelector(".trellis-retry");
      if (retry) {
        retry.addEventListener("click", function () {
          delete self.submitted[quiz.id];
          form.classList.remove("is-submitted");
          lock(form, false);
          var marks = form.querySelectorAll(".is-correct, .is-incorrect, .is-partial");
          Array.prototype.forEach.call(marks, function (m) {
            m.classList.remove("is-correct", "is-incorrect", "is-partial");
          });
          Array.prototype.forEach.call(form.querySelectorAll(".trellis-feedback, .trellis-result"), function (f) {
            f.textContent = "";
          });
          self.changed("retry");
        });
      }
    });

    window.addEventListener("message", function (ev) {
      // Only the frames of this page's interactive activities are listened to, known by the
      // window that sent the message: every such frame is sandboxed (its origin is "null", which
      // names nothing), and an activity id inside the message is never read.
      var holders = document.querySelectorAll("[data-interactive]");
      var id = null;
      var frame = null;
      for (var h = 0; h < holders.length; h++) {
        var f = holders[h].querySelector("iframe");
        if (f && f.contentWindow === ev.source) {
          id = holders[h].getAttribute("data-interactive");
          frame = f;
        }
      }
      if (!id || !self.interactiveById[id]) return;
      var data = ev.data;
      if (data && data.type === "trellis:resize" && typeof data.height === "number" && isFinite(data.height)) {
        frame.height = String(Math.round(Math.max(150, Math.min(4000, data.height))));
        return;
      }
      var result = readResult(data);
      if (!result) return;
      self.results[id] = result;
      self.attempt++;
      self.lastQuiz = id;
      self.changed("interaction");
    });

    var sections = document.querySelectorAll("[data-section]");
    var end = byId("trellis-end");
    var onVisible = function (el) {
      if (el === end) {
        if (!self.reachedEnd) {
          self.reachedEnd = true;
          self.changed("end");
        }
        return;
      }
      var id = el.getAttribute("data-section");
      if (id && id !== self.location) {
        self.location = id;
        self.changed("location");
      }
    };
    if (typeof IntersectionObserver === "function") {
      var io = new IntersectionObserver(function (entries) {
        entries.forEach(function (e) {
          if (e.isIntersecting) onVisible(e.target);
        });
      });
      Array.prototype.forEach.call(sections, function (s) {
        io.observe(s);
      });
      if (end) io.observe(end);
    } else if (end) {
      self.reachedEnd = true;
    }

    var finish = byId("trellis-finish");
    if (finish) {
      finish.addEventListener("click", function () {
        if (!self.reachedEnd) self.reachedEnd = true;
        self.changed("finish");
        self.close("finish");
        finish.disabled = true;
        var done = byId("trellis-done");
        if (done) {
          if (!self.connected) done.textContent = "You have finished this preview. Nothing was saved.";
          done.hidden = false;
        }
      });
    }

    // The page may be discarded at any moment after it is hidden: save then (never on `unload`,
    // which browsers skip or block, and which breaks the back/forward cache).
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") self.changed("hidden");
    });
    window.addEventListener("pagehide", function () {
      self.close("pagehide");
    });
    window.addEventListener("pageshow", function (ev) {
      if (ev.persisted && self.closed) {
        self.notice("This lesson session has ended. Open it again from your course to continue.");
      }
    });
  };

  Lesson.prototype.notice = function (text) {
    var el = byId("trellis-notice");
    if (!el) return;
    el.textContent = text;
    el.hidden = false;
  };

  Lesson.prototype.begin = function (info) {
    info = info || {};
    this.connected = !!info.connected;
    if (typeof info.mastery === "number" && isFinite(info.mastery)) this.mastery = info.mastery;
    if (info.mode) this.mode = info.mode;
    if (info.notice) this.notice(info.notice);
    this.restore(info.state);
    if (info.location) {
      this.location = info.location;
      var target = document.querySelector('[data-section="' + info.location + '"]');
      if (target && target.scrollIntoView) target.scrollIntoView();
    }
    document.documentElement.setAttribute("data-trellis", this.connected ? "connected" : "preview");
    this.changed("start");
  };

  var Trellis = {
    lesson: null,
    grade: grade,
    start: function (adapter) {
      var run = function () {
        var lesson = new Lesson(readConfig(), adapter);
        Trellis.lesson = lesson;
        lesson.wire();
        var opened;
        try {
          opened = adapter.open(lesson.config);
        } catch (e) {
          opened = { connected: false, notice: "This lesson could not connect to your learning platform." };
        }
        if (opened && typeof opened.then === "function") {
          opened.then(
            function (info) {
              lesson.begin(info);
            },
            function () {
              lesson.begin({
                connected: false,
                notice: "This lesson could not connect to your learning platform; progress is not saved.",
              });
            },
          );
        } else {
          lesson.begin(opened);
        }
      };
      if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", run);
      else run();
    },
  };

  window.Trellis = Trellis;
})();
