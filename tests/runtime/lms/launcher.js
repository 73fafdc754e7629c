// Test LMS host page: installs a real SCORM run-time (scorm-again) as window.API (SCORM 1.2) or
// window.API_1484_11 (SCORM 2004) and plays one SCO in an iframe. Every API call is recorded in
// window.__calls so the test can assert the order of calls; commits go to the test server.
(function () {
  var params = new URLSearchParams(window.location.search);
  var standard = params.get("standard");
  var run = params.get("run") || "run";
  var settings = {
    logLevel: 5,
    autocommit: false,
    lmsCommitUrl: "/__lms/commit?run=" + encodeURIComponent(run),
  };
  var v12 = standard === "scorm12";
  var api = v12 ? new window.Scorm12API(settings) : new window.Scorm2004API(settings);
  // What a real LMS takes from the manifest and a previous attempt.
  var start = params.get("start");
  if (start) api.loadFromJSON(JSON.parse(start));
  var names = v12
    ? ["LMSInitialize", "LMSFinish", "LMSGetValue", "LMSSetValue", "LMSCommit", "LMSGetLastError", "LMSGetErrorString", "LMSGetDiagnostic"]
    : ["Initialize", "Terminate", "GetValue", "SetValue", "Commit", "GetLastError", "GetErrorString", "GetDiagnostic"];
  var calls = [];
  var facade = {};
  names.forEach(function (name) {
    facade[name] = function () {
      var args = Array.prototype.slice.call(arguments);
      var result = api[name].apply(api, args);
      calls.push({ name: name, args: args, result: String(result), error: String(api.lmsGetLastError ? api.lmsGetLastError() : "") });
      return result;
    };
  });
  window.__calls = calls;
  window.__api = api;
  window.__cmi = function () {
    return api.renderCMIToJSONObject();
  };
  if (v12) window.API = facade;
  else window.API_1484_11 = facade;
  window.addEventListener("DOMContentLoaded", function () {
    document.getElementById("sco").src = params.get("sco");
  });
})();
