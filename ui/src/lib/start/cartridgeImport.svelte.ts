// Common Cartridge import: the backend turns the package into a NEW document and opens it in
// this window; what the import could not carry over is kept here, tied to that document, until
// the designer dismisses the report (the studio shows it as a dialog). While the import runs,
// its progress and Cancel live here too (ImportProgress shows them on the start screen and in
// the studio).
import { backend } from '../ipc/client';
import { LongTask } from '../components/longTask.svelte';
import type { DocumentState, Finding, ImportOutcome, Severity } from '../ipc/types';

export type ImportReport = {
  /** The document the import created (the report shows only while it is open). */
  path: string;
  /** Its title. */
  title: string;
  /** What was brought over, in a sentence. */
  summary: string;
  /** What could not be carried over, most serious first. */
  findings: Finding[];
};

const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

class CartridgeImportStore {
  report = $state<ImportReport | null>(null);
  /** The running import: progress, Cancel, and whether the last one was cancelled. */
  readonly task = new LongTask(() => backend().cancelImport());

  /** Takes over what an import answered. */
  show(outcome: ImportOutcome): void {
    this.report = {
      path: outcome.state.path,
      title: outcome.state.document.curriculum.title,
      summary: outcome.summary.trim(),
      findings: outcome.findings.slice().sort((a, b) => RANK[a.severity] - RANK[b.severity]),
    };
  }

  /** The report for the document open at `path`, if it is the one the import created. */
  reportFor(path: string | null): ImportReport | null {
    return this.report && this.report.path === path ? this.report : null;
  }

  dismiss(): void {
    this.report = null;
  }

  /** Asks the running import to stop. */
  cancel(): Promise<void> {
    return this.task.cancel();
  }

  /**
   * Imports a cartridge (asks for the file when `path` is null) and keeps its report. Resolves to
   * the new document for the window to show, or null when the designer cancelled the file
   * dialog or the import (then `task.cancelled` is set: nothing was created); a refused package
   * rejects with the backend's error (which names the file).
   */
  async run(path: string | null = null): Promise<DocumentState | null> {
    const outcome = await this.task.run((onProgress) => backend().importCartridge(path, onProgress));
    if (!outcome) return null;
    this.show(outcome);
    return outcome.state;
  }
}

export const cartridgeImport = new CartridgeImportStore();
