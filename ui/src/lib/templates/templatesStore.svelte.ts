// The template gallery and what each template says about outline levels and their fields.
import { backend } from '../ipc/client';
import type { FieldSpec, OutlineLevel, Template } from '../ipc/types';

export class TemplatesStore {
  list = $state<Template[]>([]);
  loaded = $state(false);
  private loading: Promise<void> | null = null;

  load(): Promise<void> {
    this.loading ??= backend()
      .templates()
      .then((t) => {
        this.list = t;
        this.loaded = true;
      })
      .catch(() => {
        this.loading = null;
      });
    return this.loading;
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
