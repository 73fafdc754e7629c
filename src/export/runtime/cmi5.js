/* Trellis cmi5 adapter: runs a lesson page as a cmi5 Assignable Unit.
 *
 * Launch sequence (cmi5 §8–§10): read endpoint, fetch, actor, registration and activityId from
 * the launch URL; POST to `fetch` once for the authorization token; GET the `LMS.LaunchData`
 * state document (context template, launch mode, mastery score, return URL); then send the
 * cmi5-defined statements: initialized, completed, passed/failed (with score) and terminated,
 * each carrying the context template, the registration and the cmi5 category; with each quiz
 * submission, one "answered" statement per question and one passed/failed statement per objective
 * the lesson judged (cmi5 allowed statements, without the cmi5 category). Resume data lives
 * in the AU's own state document. The session ends exactly once (Finish button or `pagehide`);
 * the last statements go out with `keepalive` so they survive the page going away. */
(function () {
  "use strict";

  var XAPI_VERSION = "1.0.3";
  var VERB = "http://adlnet.gov/expapi/verbs/";
  var CAT_CMI5 = "https://w3id.org/xapi/cmi5/context/categories/cmi5";
  var CAT_MOVEON = "https://w3id.org/xapi/cmi5/context/categories/moveon";
  var EXT_MASTERY = "https://w3id.org/xapi/cmi5/context/extensions/masteryscore";
  var STATE_ID = "urn:trellis:au-state";

  var launch = {};
  var token = null;
  var launchData = null;
  var sent = { completed: false, passed: false, terminated: false, judgedAttempt: 0, answeredAttempt: 0 };
  var open = false;
  var queue = [];
  var inflight = false;
  var startedAt = Date.now();
  var saveTimer = null;

  function param(name) {
    var m = new RegExp("[?&]" + name + "=([^&#]*)").exec(window.location.search);
    return m ? decodeURIComponent(m[1].replace(/\+/g, " ")) : null;
  }

  function uuid() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") return window.crypto.randomUUID();
    var b = new Uint8Array(16);
    window.crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) {
      return (x + 0x100).toString(16).slice(1);
    }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function duration(seconds) {
    var cs = Math.round(seconds * 100);
    var h = Math.floor(cs / 360000);
    var m = Math.floor((cs % 360000) / 6000);
    var s = (cs % 6000) / 100;
    return "PT" + (h ? h + "H" : "") + (m ? m + "M" : "") + s.toFixed(2).replace(/\.?0+$/, "") + "S";
  }

  function url(path, query) {
    var base = launch.endpoint.replace(/\/?$/, "/");
    var q = [];
    for (var k in query) if (query[k] != null) q.push(encodeURIComponent(k) + "=" + encodeURIComponent(query[k]));
    return base + path + (q.length ? "?" + q.join("&") : "");
  }

  function headers(json) {
    var h = { Authorization: "Basic " + token, "X-Experience-API-Version": XAPI_VERSION };
    if (json) h["Content-Type"] = "application/json";
    return h;
  }

  function stateQuery(stateId) {
    return {
      stateId: stateId,
      activityId: launch.activityId,
      agent: JSON.stringify(launch.actor),
      registration: launch.registration,
    };
  }

  function getToken() {
    // The fetch URL answers only once per launch; a reload of the same page reuses the token.
    var cacheKey = "trellis-cmi5-token:" + launch.fetch;
    try {
      var cached = window.sessionStorage.getItem(cacheKey);
      if (cached) return Promise.resolve(cached);
    } catch (e) {
      /* storage disabled */
    }
    return fetch(launch.fetch, { method: "POST", cache: "no-store" })
      .then(function (r) {
        return r.json();
      })
      .then(function (body) {
        if (!body || !body["auth-token"]) throw new Error((body && body["error-text"]) || "no auth-token");
        try {
          window.sessionStorage.setItem(cacheKey, body["auth-token"]);
        } catch (e) {
          /* storage disabled */
        }
        return body["auth-token"];
      });
  }

  function getState(stateId) {
    return fetch(url("activities/state", stateQuery(stateId)), { headers: headers(false), cache: "no-store" }).then(
      function (r) {
        if (r.status === 404) return null;
        if (!r.ok) throw new Error("state " + stateId + ": HTTP " + r.status);
        return r.json();
      },
    );
  }

  function putState(stateId, body, keepalive) {
    return fetch(url("activities/state", stateQuery(stateId)), {
      method: "PUT",
      headers: headers(true),
      body: JSON.stringify(body),
      keepalive: !!keepalive,
    });
  }

  /* ---- statements --------------------------------------------------------------------------- */

  function clone(x) {
    return x == null ? x : JSON.parse(JSON.stringify(x));
  }

  function statement(verb, result, moveOn, extraExtensions) {
    var context = clone((launchData && launchData.contextTemplate) || {}) || {};
    context.registration = launch.registration;
    context.contextActivities = context.contextActivities || {};
    var category = context.contextActivities.category || [];
    category.push({ id: CAT_CMI5 });
    if (moveOn) category.push({ id: CAT_MOVEON });
    context.contextActivities.category = category;
    if (extraExtensions) {
      context.extensions = context.extensions || {};
      for (var k in extraExtensions) context.extensions[k] = extraExtensions[k];
    }
    var s = {
      id: uuid(),
      timestamp: new Date().toISOString(),
      actor: launch.actor,
      verb: { id: VERB + verb, display: { "en-US": verb } },
      object: { objectType: "Activity", id: launch.activityId },
      context: context,
    };
    if (result) s.result = result;
    return s;
  }

  function post(batch, keepalive) {
    return fetch(url("statements", {}), {
      method: "POST",
      headers: headers(true),
      body: JSON.stringify(batch),
      keepalive: !!keepalive,
    });
  }

  function pump() {
    if (inflight || !queue.length) return;
    var batch = queue.splice(0, queue.length);
    inflight = true;
    post(batch, false)
      .catch(function () {
        /* an LRS outage loses these statements; nothing in the page depends on them */
      })
      .then(function () {
        inflight = false;
        pump();
      });
  }

  function send(s) {
    queue.push(s);
    pump();
  }

  function normalMode() {
    return !launchData || !launchData.launchMode || launchData.launchMode === "Normal";
  }

  function masteryExtension() {
    var m = launchData && typeof launchData.masteryScore === "number" ? launchData.masteryScore : null;
    var out = {};
    if (m != null) out[EXT_MASTERY] = m;
    return out;
  }

  function scoreOf(s) {
    // cmi5 wants integer raw/min/max; fractional points (partial credit) report the scaled score only.
    var score = { scaled: s.scaled };
    if (s.raw === Math.round(s.raw) && s.max === Math.round(s.max)) {
      score.raw = s.raw;
      score.min = s.min;
      score.max = s.max;
    }
    return score;
  }

  /* "cmi5 allowed" statements, one per question of a submitted quiz: xAPI cmi.interaction
     activities under the AU, with the response patterns of the xAPI specification. They carry the
     context template and registration but not the cmi5 category (reserved for cmi5-defined ones). */
  var INTERACTION = {
    trueFalse: "true-false",
    multipleChoice: "choice",
    multipleResponse: "choice",
    shortAnswer: "fill-in",
    numeric: "numeric",
    matching: "matching",
    essay: "long-fill-in",
  };

  function responsePattern(item, answer) {
    var key = item.key || {};
    switch (item.type) {
      case "trueFalse":
        return { response: answer == null ? "" : answer, correct: [String(key.answer)] };
      case "multipleChoice":
        return { response: answer == null ? "" : answer, correct: key.correct ? [key.correct] : [] };
      case "multipleResponse":
        return { response: [].concat(answer || []).join("[,]"), correct: [(key.correct || []).join("[,]")] };
      case "shortAnswer":
        return {
          response: answer == null ? "" : String(answer),
          correct: (key.answers || []).map(function (a) {
            return "{case_matters=" + (key.caseSensitive ? "true" : "false") + "}" + a;
          }),
        };
      case "numeric": {
        var tol = key.tolerance || 0;
        return { response: answer == null ? "" : String(answer), correct: [key.answer - tol + "[:]" + (key.answer + tol)] };
      }
      case "matching": {
        var given = [];
        for (var p in answer || {}) if (Object.prototype.hasOwnProperty.call(answer, p)) given.push(p + "[.]" + answer[p]);
        return {
          response: given.join("[,]"),
          correct: [(key.pairs || []).map(function (id) { return id + "[.]" + id; }).join("[,]")],
        };
      }
      default:
        return { response: answer == null ? "" : String(answer), correct: [] };
    }
  }

  function answered(entry, lang) {
    var item = entry.item;
    var pattern = responsePattern(item, entry.answer);
    var description = {};
    description[lang] = item.text || item.id;
    var definition = {
      type: "http://adlnet.gov/expapi/activities/cmi.interaction",
      interactionType: INTERACTION[item.type] || "other",
      description: description,
    };
    if (pattern.correct.length) definition.correctResponsesPattern = pattern.correct;
    var context = clone((launchData && launchData.contextTemplate) || {}) || {};
    context.registration = launch.registration;
    context.contextActivities = context.contextActivities || {};
    context.contextActivities.parent = [{ id: launch.activityId }];
    // Interactive content is judged per objective by the objective statements alone, so the
    // evidence importer counts it once.
    var objectives = (item.type === "interactive" ? [] : item.objectives || []).map(function (id) {
      return { id: "urn:trellis:objective:" + id };
    });
    if (objectives.length) context.contextActivities.other = (context.contextActivities.other || []).concat(objectives);
    var result = { response: pattern.response };
    if (entry.grade != null) {
      result.success = entry.grade >= 1;
      result.score = { scaled: Math.round(entry.grade * 10000) / 10000 };
    }
    return {
      id: uuid(),
      timestamp: new Date().toISOString(),
      actor: launch.actor,
      verb: { id: VERB + "answered", display: { "en-US": "answered" } },
      object: { objectType: "Activity", id: launch.activityId + "/item/" + item.id, definition: definition },
      result: result,
      context: context,
    };
  }

  /* "cmi5 allowed" statements, one per objective the lesson judged after a quiz submission: the
     objective as an activity (`urn:trellis:objective:<id>`), its own score and success, verb
     passed/failed. cmi5 §9.6.2.1 reserves the cmi5 category for cmi5-defined statements, so these
     carry the context template, the registration and the AU as parent, but no cmi5 category. */
  var OBJECTIVE_TYPE = "http://adlnet.gov/expapi/activities/objective";

  function objectiveStatement(o) {
    var context = clone((launchData && launchData.contextTemplate) || {}) || {};
    context.registration = launch.registration;
    context.contextActivities = context.contextActivities || {};
    context.contextActivities.parent = [{ id: launch.activityId }];
    var verb = o.passed ? "passed" : "failed";
    return {
      id: uuid(),
      timestamp: new Date().toISOString(),
      actor: launch.actor,
      verb: { id: VERB + verb, display: { "en-US": verb } },
      object: {
        objectType: "Activity",
        id: "urn:trellis:objective:" + o.id,
        definition: { type: OBJECTIVE_TYPE },
      },
      result: { success: !!o.passed, score: scoreOf(o.score) },
      context: context,
    };
  }

  function judge(snap) {
    if (!normalMode()) return;
    var secs = snap.sessionSeconds;
    var s = snap.score;
    var judgeObjectives = false;
    // One judgement per quiz submission; nothing after a pass (passIsFinal).
    if (snap.attempt > 0 && sent.answeredAttempt !== snap.attempt) {
      sent.answeredAttempt = snap.attempt;
      var lang = document.documentElement.lang || "en";
      var list = snap.interactions(snap.lastQuiz);
      for (var i = 0; i < list.length; i++) send(answered(list[i], lang));
      judgeObjectives = true;
    }
    if (s && s.passed != null && !sent.passed && sent.judgedAttempt !== snap.attempt) {
      sent.judgedAttempt = snap.attempt;
      var verb = s.passed ? "passed" : "failed";
      if (s.passed) sent.passed = true;
      send(statement(verb, { success: s.passed, score: scoreOf(s), duration: duration(secs) }, true, masteryExtension()));
    }
    if (snap.completed && !sent.completed) {
      sent.completed = true;
      send(statement("completed", { completion: true, duration: duration(secs) }, true));
    }
    // The objectives of this submission follow the lesson's own judgement.
    if (judgeObjectives) {
      var objectives = snap.objectives || [];
      for (var j = 0; j < objectives.length; j++) {
        var o = objectives[j];
        if (o.score && o.passed != null) send(objectiveStatement(o));
      }
    }
  }

  function resumeDoc(snap) {
    return {
      v: 1,
      location: snap.location || "",
      suspend: snap.suspendData(64000),
      completed: sent.completed,
      passed: sent.passed,
    };
  }

  function saveSoon(snap) {
    if (saveTimer) clearTimeout(saveTimer);
    saveTimer = setTimeout(function () {
      saveTimer = null;
      putState(STATE_ID, resumeDoc(snap), false).catch(function () {});
    }, 300);
  }

  var adapter = {
    open: function () {
      launch = {
        endpoint: param("endpoint"),
        fetch: param("fetch"),
        registration: param("registration"),
        activityId: param("activityId"),
      };
      try {
        launch.actor = JSON.parse(param("actor") || "null");
      } catch (e) {
        launch.actor = null;
      }
      if (!launch.endpoint || !launch.fetch || !launch.actor || !launch.registration || !launch.activityId) {
        return {
          connected: false,
          notice: "Preview: this lesson was not launched by a cmi5 learning platform, so your progress is not saved.",
        };
      }
      return getToken()
        .then(function (t) {
          token = t;
          return getState("LMS.LaunchData");
        })
        .then(function (data) {
          if (!data || !data.contextTemplate) throw new Error("LMS.LaunchData is missing");
          launchData = data;
          return getState(STATE_ID).catch(function () {
            return null;
          });
        })
        .then(function (resume) {
          open = true;
          startedAt = Date.now();
          send(statement("initialized", null, false));
          if (resume) {
            sent.completed = !!resume.completed;
            sent.passed = !!resume.passed;
          }
          var mode = (launchData.launchMode || "Normal").toLowerCase();
          return {
            connected: true,
            mastery: typeof launchData.masteryScore === "number" ? launchData.masteryScore : null,
            mode: mode,
            state: resume ? resume.suspend : null,
            location: resume ? resume.location : null,
            notice: mode === "normal" ? null : "This lesson is open in " + mode + " mode; results are not recorded.",
          };
        });
    },
    record: function (snap) {
      if (!open || sent.terminated) return;
      judge(snap);
      saveSoon(snap);
    },
    close: function (snap, why) {
      if (!open || sent.terminated) return;
      judge(snap);
      sent.terminated = true;
      if (saveTimer) clearTimeout(saveTimer);
      var secs = (Date.now() - startedAt) / 1000;
      queue.push(statement("terminated", { duration: duration(secs) }, false));
      var batch = queue.splice(0, queue.length);
      // keepalive requests outlive the page; the order of statements in one batch is kept.
      putState(STATE_ID, resumeDoc(snap), true).catch(function () {});
      var done = post(batch, true).catch(function () {});
      if (why === "finish" && launchData && launchData.returnURL) {
        done.then(function () {
          window.location.assign(launchData.returnURL);
        });
      }
      return done;
    },
  };

  if (window.Trellis) window.Trellis.start(adapter);
})();
