// Test LMS course player for SCORM 2004: reads the package's manifest into scorm-again's
// sequencing engine (activity tree, objectives with global mapping, precondition rules, roll-up),
// starts the course and delivers every activity the engine chooses into the iframe. A SCO that
// terminates with adl.nav.request=continue gets the next activity. For the test it records every
// API call, the delivered activities, and for each delivery the objectives the SCO starts with
// and which other activities a choice request could reach.
import { launchPages, sequencingFromManifest } from "/__lms/sequencing.js";

const params = new URLSearchParams(window.location.search);
const base = params.get("pkg");
const xml = await (await fetch(base + "imsmanifest.xml")).text();
const pages = launchPages(xml);
const api = new window.Scorm2004API({
  logLevel: 5,
  autocommit: false,
  lmsCommitUrl: "/__lms/commit?run=" + encodeURIComponent(params.get("run") || "course"),
  sequencing: sequencingFromManifest(xml),
});
const calls = [];
const delivered = [];
const atInit = {};
let current = null;
const facade = {};
for (const name of ["Initialize", "Terminate", "GetValue", "SetValue", "Commit", "GetLastError", "GetErrorString", "GetDiagnostic"]) {
  facade[name] = (...args) => {
    const result = api[name](...args);
    calls.push({ activity: current, name, args, result: String(result), error: String(api.lmsGetLastError()) });
    if (name === "Initialize") {
      const objectives = api.renderCMIToJSONObject().cmi.objectives || {};
      const choice = {};
      for (const id of Object.keys(pages)) choice[id] = api.GetValue(`adl.nav.request_valid.choice.{target=${id}}`);
      atInit[current] = { objectives, choice };
    }
    return result;
  };
}
window.API_1484_11 = facade;
window.__calls = calls;
window.__delivered = delivered;
window.__atInit = atInit;
window.__api = api;
window.__pages = pages;
api.on("ActivityDelivery", (id) => {
  // Delivery happens inside the previous SCO's Terminate: load the next SCO afterwards.
  setTimeout(() => {
    api.reset(undefined, { preserveListeners: true });
    current = id;
    delivered.push(id);
    document.getElementById("sco").src = base + pages[id];
  }, 0);
});
window.__started = api.processNavigationRequest("start");
