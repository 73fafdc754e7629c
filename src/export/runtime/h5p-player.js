/* Trellis H5P player page: plays one H5P package with the bundled h5p-standalone player and
 * passes the content's own results to the lesson page that frames it.
 *
 * Only top-level `answered` and `completed` xAPI statements are passed on (a statement whose
 * context names a parent belongs to a part of compound content), as the message documented in
 * docs/export.md ("Interactive content"):
 *   { type: "trellis:result", verb: "answered"|"completed",
 *     score: { scaled, raw, min, max }, success: true|false|undefined, response: "…" }
 * The page loads nothing from outside the package and talks to nothing but its parent frame. */
(function () {
  "use strict";

  var holder = document.getElementById("trellis-h5p");
  var config = {};
  try {
    config = JSON.parse(document.getElementById("trellis-interactive").textContent || "{}");
  } catch (e) {
    config = {};
  }

  function number(x) {
    return typeof x === "number" && isFinite(x) ? x : undefined;
  }

  function forward(event) {
    var st = event && event.data && event.data.statement;
    if (!st || !st.verb || typeof st.verb.id !== "string") return;
    var verb = st.verb.id.split("/").pop();
    if (verb !== "answered" && verb !== "completed") return;
    var ctx = st.context && st.context.contextActivities;
    if (ctx && ctx.parent && ctx.parent.length) return;
    var result = st.result || {};
    var score = result.score || {};
    var message = {
      type: "trellis:result",
      verb: verb,
      score: { scaled: number(score.scaled), raw: number(score.raw), min: number(score.min), max: number(score.max) },
      success: typeof result.success === "boolean" ? result.success : undefined,
      response: typeof result.response === "string" ? result.response.slice(0, 4000) : undefined,
    };
    if (window.parent && window.parent !== window) window.parent.postMessage(message, "*");
  }

  /* The framing page sizes the frame to the content ({ type: "trellis:resize", height }). */
  function reportHeight() {
    if (window.parent && window.parent !== window) {
      window.parent.postMessage({ type: "trellis:resize", height: document.documentElement.scrollHeight }, "*");
    }
  }
  if (typeof ResizeObserver === "function") new ResizeObserver(reportHeight).observe(document.documentElement);

  function failed() {
    holder.textContent = "This interactive content could not be started.";
  }

  if (!holder || !window.H5PStandalone || !config.h5pJsonPath) {
    if (holder) failed();
    return;
  }
  try {
    new window.H5PStandalone.H5P(holder, {
      h5pJsonPath: config.h5pJsonPath,
      frameJs: config.frameJs,
      frameCss: config.frameCss,
      frame: false,
      copyright: false,
      export: false,
      embed: false,
      icon: false,
      fullScreen: false,
    }).then(function () {
      window.H5P.externalDispatcher.on("xAPI", forward);
      document.documentElement.setAttribute("data-trellis-h5p", "ready");
    }, failed);
  } catch (e) {
    failed();
  }
})();
