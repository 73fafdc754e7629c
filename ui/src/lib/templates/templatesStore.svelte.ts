// The template gallery and the field specs each template gives its node kinds.
import { backend } from '../ipc/client';
import type { FieldSpec, TemplateInfo, TemplateNodeKind } from '../ipc/types';

export class TemplatesStore {
  list = $state<TemplateInfo[]>([]);
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

  get(id: string | null | undefined): TemplateInfo | undefined {
    return this.list.find((t) => t.id === id);
  }

  nodeKind(template: string | null | undefined, kind: string): TemplateNodeKind | undefined {
    return this.get(template)?.nodeKinds.find((k) => k.kind === kind);
  }

  /** Extra fields of a node kind under a template (none when the template is unknown). */
  fields(template: string | null | undefined, kind: string): FieldSpec[] {
    return this.nodeKind(template, kind)?.fields ?? [];
  }
}

export const templatesStore = new TemplatesStore();
