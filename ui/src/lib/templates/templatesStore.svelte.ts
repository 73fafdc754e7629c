// The template gallery (built-in and the user's own templates, plus one line per user template
// file that could not be loaded) and what each template says about outline levels and fields.
import { backend } from '../ipc/client';
import type { FieldSpec, OutlineLevel, Template } from '../ipc/types';

export class TemplatesStore {
  list = $state<Template[]>([]);
  /** One sentence per user template file that could not be loaded (it names the file). */
  errors = $state<string[]>([]);
  loaded = $state(false);
  private loading: Promise<void> | null = null;

  load(): Promise<void> {
    this.loading ??= backend()
      .templates()
      .then((catalog) => {
        this.list = catalog.templates;
        this.errors = catalog.errors;
        this.loaded = true;
      })
      .catch(() => {
        this.loading = null;
      });
    return this.loading;
  }

  /** Reads the catalog again (a template file may have been added or fixed meanwhile). */
  reload(): Promise<void> {
    this.loading = null;
    return this.load();
  }

  get(id: string | null | undefined): Template | undefined {
    return this.list.find((t) => t.id === id);
  }

  /** The outline level of a node kind under a template. */
  level(template: string | null | undefined, kind: string): OutlineLevel | undefined {
    return this.get(template)?.levels.find((l) => l.kind === kind);
  }

  /** Extra fields of a node kind under a template (none when the template is unknown). */
  fields(template: string | null | undefined, kind: string): FieldSpec[] {
    return this.get(template)?.fields[kind] ?? [];
  }
}

export const templatesStore = new TemplatesStore();

/** Whether a template comes from the user's own folder (its source is the file, not "builtin"). */
export function isUserTemplate(t: Template): boolean {
  return t.source !== 'builtin';
}
