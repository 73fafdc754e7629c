// Format options of the export dialog. The specs come from the library
// (`ExportFormat::option_specs`, through `export_choices`); this file only turns what the form
// holds into the request's `values` and says which entered values do not fit a spec (the same
// rules as the library's preflight finding X12, so the mock backend can report it too).
import type { FieldSpec } from '../ipc/types';

/** The values to send: only keys of `specs`, without cleared fields (the library then uses the default). */
export function requestValues(specs: FieldSpec[], values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const s of specs) {
    const v = values[s.name];
    if (v !== undefined && v !== null && v !== '') out[s.name] = v;
  }
  return out;
}

/** Why `value` does not fit `spec`, or null (null and undefined always fit: they mean "default"). */
export function optionProblem(spec: FieldSpec, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  switch (spec.type) {
    case 'select':
      return typeof value === 'string' && spec.options.some((o) => o.value === value)
        ? null
        : `must be one of ${spec.options.map((o) => `"${o.value}"`).join(', ')}`;
    case 'number': {
      if (typeof value !== 'number' || Number.isNaN(value)) return 'must be a number';
      if ((spec.min !== null && value < spec.min) || (spec.max !== null && value > spec.max)) {
        return spec.min !== null && spec.max !== null ? `must be a number from ${spec.min} to ${spec.max}` : 'is out of range';
      }
      return null;
    }
    case 'toggle':
      return typeof value === 'boolean' ? null : 'must be true or false';
    default:
      return typeof value === 'string' ? null : 'must be text';
  }
}

/** Every entered value that does not fit its spec, by key. */
export function optionProblems(specs: FieldSpec[], values: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of specs) {
    const p = optionProblem(s, values[s.name]);
    if (p) out[s.name] = p;
  }
  return out;
}
