// The evidence of learning of the open document as the Evidence view and the mastery badges
// see it: the cohorts, the library's analysis (heatmaps, distributions, skill gaps, item
// analysis) and the mastery policies, re-read after every change of the document — an edit of
// the design, an evidence change made here, and undo/redo, which covers both (the evidence
// steps are in the document's journal). Changes made here (import of a file or of an LRS's
// statements, remove a cohort, a policy) answer with the history, which the document store
// takes over so undo names them.
import { backend } from '../ipc/client';
import { AppError } from '../ipc/errors';
import type { CohortSummary, EvidenceAnalysis, EvidenceImportOutcome, EvidenceImportRequest, EvidenceLrsRequest, History, MasteryCell, MasteryPolicies, PolicyInput } from '../ipc/types';
import { documentStore as ds } from '../document/documentStore.svelte';
import { LongTask } from '../components/longTask.svelte';
import { debounce } from '../util/debounce';

export class EvidenceStore {
  cohorts = $state.raw<CohortSummary[] | null>(null);
  analysis = $state.raw<EvidenceAnalysis | null>(null);
  policies = $state.raw<MasteryPolicies | null>(null);
  error = $state<string | null>(null);
  /** Whether the analysis carries the objectives × learners heatmap (asked only when shown). */
  learners = $state(false);
  /** Whether the policies are read too (only while the Evidence view, which edits them, is shown). */
  withPolicies = $state(false);
  /** The running import (progress, Cancel). */
  readonly importTask = new LongTask(() => backend().cancelEvidenceImport());
  private seq = 0;
  private run = debounce(() => void this.fetch(), 200);

  /** Whether the document holds evidence (false until known). */
  get hasEvidence(): boolean {
    return (this.cohorts?.length ?? 0) > 0;
  }

  /** The mastery of each objective over all cohorts, by objective id (the design's badges). */
  overall = $derived.by((): Map<string, MasteryCell> => {
    const a = this.analysis;
    if (!a || !this.hasEvidence) return new Map();
    return new Map(a.heatmap.objectives.map((o, i) => [o.id, a.heatmap.overall[i]]));
  });

  /** The skill-gap threshold the analysis used. */
  get threshold(): number {
    return this.analysis?.options.gapThreshold ?? 0.7;
  }

  refresh(now = false): void {
    if (now) void this.fetch();
    else this.run();
  }

  /** Forgets everything (another document was opened). */
  reset(): void {
    this.seq += 1;
    this.cohorts = null;
    this.analysis = null;
    this.policies = null;
    this.error = null;
  }

  private async fetch(): Promise<void> {
    const mine = ++this.seq;
    try {
      const cohorts = await backend().evidenceCohorts();
      if (mine !== this.seq) return;
      if (cohorts.length === 0) {
        this.cohorts = cohorts;
        this.analysis = null;
        this.policies = null;
        this.error = null;
        return;
      }
      const [analysis, policies] = await Promise.all([
        backend().evidenceAnalysis({ cohort: null, gapThreshold: null, learners: this.learners }),
        this.withPolicies ? backend().masteryPolicy() : Promise.resolve(null),
      ]);
      if (mine !== this.seq) return;
      this.cohorts = cohorts;
      this.analysis = analysis;
      if (policies) this.policies = policies;
      this.error = null;
    } catch (err) {
      if (mine === this.seq) this.error = AppError.from(err).message;
    }
  }

  /** Takes over the history of an evidence change and re-reads the evidence. */
  private changed(history: History): void {
    ds.history = history;
    this.refresh(true);
  }

  /**
   * Imports a results file (null: the native dialog asks) with progress and Cancel; resolves to
   * the outcome, or null when the dialog was cancelled or the import was (`importTask.cancelled`
   * then says so). Other failures reject with an `AppError`.
   */
  async importFile(path: string | null, request: EvidenceImportRequest): Promise<EvidenceImportOutcome | null> {
    await ds.settled();
    const outcome = await this.importTask.run((onProgress) => backend().importEvidence(path, request, onProgress));
    if (outcome) this.changed(outcome.history);
    return outcome ?? null;
  }

  /**
   * Reads the statements of a Learning Record Store with progress and Cancel (between pages);
   * resolves to the outcome, or null when it was cancelled (`importTask.cancelled` says so).
   * The request (with its password) is handed to the backend and not kept here.
   */
  async importLrs(request: EvidenceLrsRequest): Promise<EvidenceImportOutcome | null> {
    await ds.settled();
    const outcome = await this.importTask.run((onProgress) => backend().importEvidenceLrs(request, onProgress));
    if (outcome) this.changed(outcome.history);
    return outcome ?? null;
  }

  /** Removes a cohort (one undo step). */
  async removeCohort(name: string): Promise<void> {
    try {
      this.changed(await backend().removeCohort(name));
      ds.notify(`Cohort “${name}” removed`, true);
    } catch (err) {
      this.error = AppError.from(err).message;
    }
  }

  /** Sets the default policy (objective null) or an objective's (policy null removes it); one undo step. Resolves to the refusal's message, or null. */
  async setPolicy(objective: string | null, policy: PolicyInput | null): Promise<string | null> {
    try {
      this.changed(await backend().setMasteryPolicy(objective, policy));
      return null;
    } catch (err) {
      return AppError.from(err).message;
    }
  }
}

export const evidenceStore = new EvidenceStore();
