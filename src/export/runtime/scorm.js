/* Trellis SCORM adapter: connects a lesson page to the LMS's SCORM 1.2 (`API`) or SCORM 2004
 * (`API_1484_11`) run-time API and writes the lesson's progress into the CMI data model.
 *
 * Discovery follows the standards' algorithms: walk up `window.parent` (at most 500 frames), then
 * do the same from `window.top.opener`. Every change is written and committed at once; the
 * session is terminated exactly once (Finish button or `pagehide`, never `unload`). With no API
 * the page still works and says that progress is not saved. */
(function () {
  "use strict";

  var config = (function () {
    var el = document.getElementById("trellis-data");
    try {
      return el ? JSON.parse(el.textContent || "{}") : {};
    } catch (e) {
      return {};
    }
  })();
  var v2004 = config.standard !== "scorm12";
  var API_NAME = v2004 ? "API_1484_11" : "API";
  var MAX_TRIES = 500;

  /* ---- discovery ---------------------------------------------------------------------------- */

  function scan(win) {
    var tries = 0;
    try {
      while (win && !win[API_NAME] && win.parent && win.parent !== win && tries < MAX_TRIES) {
        tries++;
        win = win.parent;
      }
      return win && win[API_NAME] ? win[API_NAME] : null;
    } catch (e) {
      // A frame from another origin: the standard's algorithm stops there.
      return null;
    }
  }

  function findApi() {
    var api = scan(window);
    try {
      if (!api && window.top && window.top.opener) api = scan(window.top.opener);
      if (!api && window.opener) api = scan(window.opener);
    } catch (e) {
      /* opener from another origin */
    }
    return api;
  }

  /* ---- formatting --------------------------------------------------------------------------- */

  function duration2004(seconds) {
    // ISO 8601 duration as SCORM 2004 timeinterval (second precision to 0.01 s).
    var cs = Math.round(seconds * 100);
    var h = Math.floor(cs / 360000);
    var m = Math.floor((cs % 360000) / 6000);
    var s = (cs % 6000) / 100;
    return "PT" + (h ? h + "H" : "") + (m ? m + "M" : "") + s.toFixed(2).replace(/\.?0+$/, "") + "S";
  }

  function pad(n, width) {
    var s = String(n);
    while (s.length < width) s = "0" + s;
    return s;
  }

  function duration12(seconds) {
    // CMITimespan: HHHH:MM:SS.SS
    var cs = Math.round(seconds * 100);
    var h = Math.min(9999, Math.floor(cs / 360000));
    var m = Math.floor((cs % 360000) / 6000);
    var s = Math.floor((cs % 6000) / 100);
    var frac = cs % 100;
    return pad(h, 4) + ":" + pad(m, 2) + ":" + pad(s, 2) + "." + pad(frac, 2);
  }

  function num(x) {
    // CMIDecimal / real(10,7): plain decimal notation, no exponent.
    var s = String(Math.round(x * 10000000) / 10000000);
    return s.indexOf("e") >= 0 ? x.toFixed(7) : s;
  }

  /* ---- the adapter -------------------------------------------------------------------------- */

  var api = null;
  var objectiveIndex = {}; // objective id -> cmi.objectives.n
  var initialized = false;
  var terminated = false;
  var last = {}; // element -> last value written, so unchanged values are not re-sent

  function call(name) {
    var args = Array.prototype.slice.call(arguments, 1);
    try {
      var fn = api[(v2004 ? "" : "LMS") + name];
      return typeof fn === "function" ? fn.apply(api, args) : "";
    } catch (e) {
      return "";
    }
  }

  function get(element) {
    var value = call("GetValue", element);
    return value == null ? "" : String(value);
  }

  function set(element, value) {
    value = String(value);
    if (last[element] === value) return true;
    var ok = String(call("SetValue", element, value)) === "true";
    if (ok) last[element] = value;
    return ok;
  }

  function commit() {
    return String(call("Commit", "")) === "true";
  }

  function findObjectives() {
    var count = parseInt(get("cmi.objectives._count"), 10) || 0;
    for (var n = 0; n < count; n++) {
      var id = get("cmi.objectives." + n + ".id");
      if (id) objectiveIndex[id] = n;
    }
    return count;
  }

  function objectiveSlot(id, count) {
    if (Object.prototype.hasOwnProperty.call(objectiveIndex, id)) return objectiveIndex[id];
    var n = count.value++;
    if (set("cmi.objectives." + n + ".id", id)) objectiveIndex[id] = n;
    return objectiveIndex[id];
  }

  function writeObjectives(snap) {
    var count = { value: findObjectives() };
    for (var i = 0; i < snap.objectives.length; i++) {
      var o = snap.objectives[i];
      var n = objectiveSlot(o.id, count);
      if (n == null) continue;
      var p = "cmi.objectives." + n + ".";
      if (v2004) {
        if (o.score) {
          set(p + "score.raw", num(o.score.raw));
          set(p + "score.min", num(o.score.min));
          set(p + "score.max", num(o.score.max));
          set(p + "score.scaled", num(o.score.scaled));
        }
        if (o.passed != null) set(p + "success_status", o.passed ? "passed" : "failed");
        set(p + "completion_status", o.completed ? "completed" : "incomplete");
      } else {
        if (o.score) {
          // SCORM 1.2 scores are 0..100.
          set(p + "score.raw", num(o.score.scaled * 100));
          set(p + "score.min", "0");
          set(p + "score.max", "100");
        }
        var status = o.passed != null ? (o.passed ? "passed" : "failed") : o.completed ? "completed" : "incomplete";
        set(p + "status", status);
      }
    }
  }

  /* ---- interactions (question-level results) ------------------------------------------------ */

  var interactionsAttempt = -1;
  var LETTERS = "abcdefghijklmnopqrstuvwxyz0123456789";

  function timestamp2004() {
    // time(second,10,2): YYYY-MM-DDThh:mm:ss.s[TZD]; a zone designator needs the fraction.
    return new Date().toISOString().replace(/\.(\d{2})\d*Z$/, ".$1Z");
  }

  function time12() {
    var d = new Date();
    return pad(d.getHours(), 2) + ":" + pad(d.getMinutes(), 2) + ":" + pad(d.getSeconds(), 2);
  }

  function clip(text, max) {
    text = String(text == null ? "" : text);
    return text.length > max ? text.slice(0, max) : text;
  }

  /* SCORM 2004 response patterns (RTE 4.2.9): identifiers joined by [,], pairs by [.]. */
  function format2004(item, answer) {
    var key = item.key || {};
    switch (item.type) {
      case "trueFalse":
        return { type: "true-false", response: answer, patterns: [String(key.answer)] };
      case "multipleChoice":
        return { type: "choice", response: answer, patterns: key.correct ? [key.correct] : [] };
      case "multipleResponse":
        return {
          type: "choice",
          response: answer ? [].concat(answer).join("[,]") : null,
          patterns: [(key.correct || []).join("[,]")],
        };
      case "shortAnswer":
        return {
          type: "fill-in",
          response: answer == null ? null : clip(answer.replace(/\[[,.:]\]/g, " "), 250),
          patterns: (key.answers || []).map(function (a) {
            return "{case_matters=" + (key.caseSensitive ? "true" : "false") + "}" + clip(a, 250);
          }),
        };
      case "numeric": {
        var x = answer == null ? NaN : parseFloat(String(answer).replace(",", "."));
        var tol = key.tolerance || 0;
        return {
          type: "numeric",
          response: isFinite(x) ? num(x) : null,
          patterns: [num(key.answer - tol) + "[:]" + num(key.answer + tol)],
        };
      }
      case "matching": {
        var given = [];
        for (var p in answer || {}) if (Object.prototype.hasOwnProperty.call(answer, p)) given.push(p + "[.]" + answer[p]);
        return {
          type: "matching",
          response: given.length ? given.join("[,]") : null,
          patterns: [(key.pairs || []).map(function (id) { return id + "[.]" + id; }).join("[,]")],
        };
      }
      case "essay":
        return { type: "long-fill-in", response: answer == null ? null : clip(answer, 4000), patterns: [] };
      case "interactive":
        return { type: "other", response: answer == null ? null : clip(answer, 4000), patterns: [] };
    }
    return null;
  }

  /* SCORM 1.2 responses: choices as single letters, true/false as t/f, matching as 1.a. */
  function format12(item, answer) {
    var key = item.key || {};
    var letter = function (id) {
      var n = (item.choices || item.pairs || []).indexOf(id);
      return n >= 0 && n < LETTERS.length ? LETTERS.charAt(n) : "";
    };
    switch (item.type) {
      case "trueFalse":
        return {
          type: "true-false",
          response: answer == null ? null : answer === "true" ? "t" : "f",
          patterns: [key.answer ? "t" : "f"],
        };
      case "multipleChoice":
        return { type: "choice", response: answer == null ? null : letter(answer), patterns: key.correct ? [letter(key.correct)] : [] };
      case "multipleResponse":
        return {
          type: "choice",
          response: answer ? [].concat(answer).map(letter).join(",") : null,
          patterns: [(key.correct || []).map(letter).join(",")],
        };
      case "shortAnswer":
        return { type: "fill-in", response: answer == null ? null : clip(answer, 255), patterns: (key.answers || []).slice(0, 1).map(function (a) { return clip(a, 255); }) };
      case "numeric": {
        var x = answer == null ? NaN : parseFloat(String(answer).replace(",", "."));
        return { type: "numeric", response: isFinite(x) ? num(x) : null, patterns: [num(key.answer)] };
      }
      case "matching": {
        var pairs = item.pairs || [];
        var given = [];
        for (var k = 0; k < pairs.length && k < 9; k++) {
          if (answer && answer[pairs[k]]) given.push(k + 1 + "." + letter(answer[pairs[k]]));
        }
        var correct = [];
        for (var c = 0; c < pairs.length && c < 9; c++) correct.push(c + 1 + "." + letter(pairs[c]));
        return { type: "matching", response: given.length ? given.join(",") : null, patterns: [correct.join(",")] };
      }
      case "essay":
      case "interactive":
        return { type: "fill-in", response: answer == null ? null : clip(answer, 255), patterns: [] };
    }
    return null;
  }

  function result(g, v2004) {
    if (g == null) return "neutral";
    if (g >= 1) return "correct";
    if (g <= 0) return v2004 ? "incorrect" : "wrong";
    return num(g);
  }

  /* Written once per quiz submission. SCORM 2004 keeps one record per item (updated on a new
     attempt); SCORM 1.2 interactions are a write-only journal, so each submission appends. */
  function writeInteractions(snap) {
    // Attempt 0 is a resumed session: its interactions are already in the LMS.
    if (snap.attempt === interactionsAttempt || snap.attempt === 0) return;
    // 2004 updates every submitted item in place; the 1.2 journal gets the quiz just submitted.
    var list = snap.interactions(v2004 ? null : snap.lastQuiz);
    if (!list.length) return;
    interactionsAttempt = snap.attempt;
    var count = parseInt(get("cmi.interactions._count"), 10) || 0;
    var index = {};
    if (v2004) {
      for (var n = 0; n < count; n++) index[get("cmi.interactions." + n + ".id")] = n;
    }
    for (var i = 0; i < list.length; i++) {
      var it = list[i];
      var f = (v2004 ? format2004 : format12)(it.item, it.answer);
      if (!f) continue;
      var slot = v2004 && Object.prototype.hasOwnProperty.call(index, it.item.id) ? index[it.item.id] : count++;
      var p = "cmi.interactions." + slot + ".";
      // The journal is written in the order the data model requires: id first, then type.
      if (!set(p + "id", it.item.id)) continue;
      set(p + "type", f.type);
      var objectives = it.item.objectives || [];
      for (var o = 0; o < objectives.length; o++) set(p + "objectives." + o + ".id", objectives[o]);
      if (v2004) set(p + "timestamp", timestamp2004());
      else set(p + "time", time12());
      for (var c = 0; c < f.patterns.length; c++) {
        if (f.patterns[c] !== "") set(p + "correct_responses." + c + ".pattern", f.patterns[c]);
      }
      set(p + "weighting", num(it.item.points));
      if (f.response != null && f.response !== "") set(p + (v2004 ? "learner_response" : "student_response"), f.response);
      // Interactive content that judged itself says so; otherwise the grade decides.
      if (it.success === true || it.success === false) set(p + "result", it.success ? "correct" : v2004 ? "incorrect" : "wrong");
      else set(p + "result", result(it.grade, v2004));
      if (v2004 && it.item.text) set(p + "description", clip(it.item.text, 250));
    }
  }

  function writeScore(snap) {
    var s = snap.score;
    if (v2004) {
      set("cmi.completion_status", snap.completed ? "completed" : "incomplete");
      if (s) {
        set("cmi.score.raw", num(s.raw));
        set("cmi.score.min", num(s.min));
        set("cmi.score.max", num(s.max));
        set("cmi.score.scaled", num(s.scaled));
        if (s.passed != null) set("cmi.success_status", s.passed ? "passed" : "failed");
      } else if (!snap.hasQuiz && snap.completed) {
        // A lesson without a scored quiz is satisfied once it is completed, so that sequencing
        // rules built on it (prerequisites) can be met.
        set("cmi.success_status", "passed");
      }
    } else {
      if (s) {
        set("cmi.core.score.raw", num(s.scaled * 100));
        set("cmi.core.score.min", "0");
        set("cmi.core.score.max", "100");
      }
      var status = "incomplete";
      if (snap.completed) status = s && s.passed != null ? (s.passed ? "passed" : "failed") : "completed";
      set("cmi.core.lesson_status", status);
    }
  }

  function writeAll(snap, final) {
    // SCORM 2004 rejects an empty location (characterstring of at least one character).
    if (snap.location) set(v2004 ? "cmi.location" : "cmi.core.lesson_location", snap.location);
    writeScore(snap);
    writeObjectives(snap);
    writeInteractions(snap);
    set("cmi.suspend_data", snap.suspendData(v2004 ? 64000 : 4096));
    set(v2004 ? "cmi.session_time" : "cmi.core.session_time", (v2004 ? duration2004 : duration12)(snap.sessionSeconds));
    if (final) {
      if (v2004) set("cmi.exit", snap.completed ? "normal" : "suspend");
      else set("cmi.core.exit", snap.completed ? "" : "suspend");
    }
  }

  var adapter = {
    open: function () {
      api = findApi();
      if (!api) {
        return {
          connected: false,
          notice:
            "Preview: no learning platform (SCORM " + (v2004 ? "2004" : "1.2") + " API) was found, so your progress is not saved.",
        };
      }
      if (String(call("Initialize", "")) !== "true") {
        return { connected: false, notice: "The learning platform did not start this lesson; progress is not saved." };
      }
      initialized = true;
      var entry = get(v2004 ? "cmi.entry" : "cmi.core.entry");
      var info = { connected: true, mastery: null, mode: "normal" };
      if (entry === "resume") {
        info.state = get("cmi.suspend_data");
        info.location = get(v2004 ? "cmi.location" : "cmi.core.lesson_location");
      }
      if (v2004) {
        var passing = parseFloat(get("cmi.scaled_passing_score"));
        if (isFinite(passing)) info.mastery = passing;
        info.mode = get("cmi.mode") || "normal";
      } else {
        var mastery = parseFloat(get("cmi.student_data.mastery_score"));
        if (isFinite(mastery)) info.mastery = mastery / 100;
        info.mode = get("cmi.core.lesson_mode") || "normal";
      }
      // Mark the attempt as started before anything else happens.
      if (v2004) {
        if (get("cmi.completion_status") !== "completed") set("cmi.completion_status", "incomplete");
      } else if (get("cmi.core.lesson_status") === "not attempted" || get("cmi.core.lesson_status") === "") {
        set("cmi.core.lesson_status", "incomplete");
      }
      commit();
      return info;
    },
    record: function (snap) {
      if (!initialized || terminated) return;
      writeAll(snap, false);
      commit();
    },
    close: function (snap, why) {
      if (!initialized || terminated) return;
      terminated = true;
      writeAll(snap, true);
      if (v2004 && why === "finish" && snap.completed) {
        // Ask the LMS to move on when it allows it (flow navigation).
        if (get("adl.nav.request_valid.continue") === "true") set("adl.nav.request", "continue");
      }
      commit();
      call(v2004 ? "Terminate" : "Finish", "");
    },
  };

  if (window.Trellis) window.Trellis.start(adapter);
})();
