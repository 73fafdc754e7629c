// The isolation hook: Tauri hands every IPC message from the app's windows to this function, in
// a sandboxed frame of its own origin, before encrypting it with a key the windows never see.
// A message that is not one of the app's own commands (or the event listening the progress bars
// use), or whose arguments are not a plain object, is not passed on as asked: its command is
// replaced by one that does not exist, so the Rust side refuses it and the caller's promise
// rejects (a hook that threw would leave the caller waiting for ever). Paths in the arguments
// are checked by the Rust commands themselves (src-tauri/src/grants.rs).
// Keep COMMANDS equal to the handler list in src-tauri/src/lib.rs (a Rust test compares them).
const COMMANDS = new Set([
  'recent_documents',
  'forget_recent',
  'list_examples',
  'current_document',
  'startup_marks',
  'document_rest',
  'create_document',
  'open_example',
  'open_document',
  'close_document',
  'open_in_new_window',
  'apply_edit',
  'apply_edit_lean',
  'undo',
  'redo',
  'render_markdown',
  'check_document',
  'insights',
  'diff_snapshot',
  'list_templates',
  'analyze_objective',
  'import_framework',
  'import_cartridge',
  'cancel_import',
  'attach_interactive',
  'interactive_info',
  'evidence_sources',
  'import_evidence',
  'import_evidence_lrs',
  'cancel_evidence_import',
  'evidence_cohorts',
  'remove_cohort',
  'mastery_report',
  'evidence_analysis',
  'mastery_policy',
  'set_mastery_policy',
  'translation_overview',
  'set_translation',
  'export_choices',
  'preflight_export',
  'export_document',
  'cancel_export',
  'show_in_folder',
  'write_review_packet',
  'cancel_report',
  'open_folder',
  'folder_refresh',
  'folder_changes',
  'folder_conflicts',
  'resolve_folder_conflict',
  'folder_merge_conflicts',
  'resolve_merge_conflict',
]);
// Plugin commands the windows may send (the capability grants them too).
const PLUGIN_COMMANDS = new Set(['plugin:event|listen', 'plugin:event|unlisten']);

function isPlainObject(value) {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function allowed(message) {
  if (!isPlainObject(message) || typeof message.cmd !== 'string') return false;
  if (!COMMANDS.has(message.cmd) && !PLUGIN_COMMANDS.has(message.cmd)) return false;
  // Arguments are a plain object (or none); binary bodies are not among the app's requests.
  return message.payload === undefined || message.payload === null || isPlainObject(message.payload);
}

window.__TAURI_ISOLATION_HOOK__ = (message) => {
  if (allowed(message)) return message;
  const cmd = typeof message?.cmd === 'string' ? message.cmd : typeof message?.cmd;
  return { ...message, cmd: `refused by the isolation hook: ${cmd.slice(0, 100)}`, payload: {} };
};
