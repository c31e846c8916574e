import { useEffect, useRef, useState } from 'preact/hooks';
import type { CommandInfo } from '../../../client/index.js';
import { createDraft, readForm, type Draft, type FieldErrors } from './draft.js';
import { Field, ObjectFields, UnionFields } from './field.js';
import { asSchema, fieldKind } from './schema.js';

/** A registered command's form, generated from its argument JSON Schema and checked before it is sent. */
export function CommandForm(props: { command: CommandInfo; busy: boolean; onRun: (args: unknown) => void; fill?: { args: unknown; nonce: number } | undefined }) {
  const { command, busy, onRun, fill } = props;
  const schema = asSchema(command.args);
  const form = useRef<HTMLFormElement>(null);
  const [draft, setDraft] = useState<Draft>(() => createDraft(schema, fill?.args));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [note, setNote] = useState<string>();
  useEffect(() => {
    setDraft(createDraft(schema, fill?.args));
    setErrors({});
    setNote(fill && fill.args === undefined ? 'The arguments of that job are not known to this browser (it was started elsewhere): fill them in.' : undefined);
    if (fill) {
      form.current?.scrollIntoView({ block: 'start' });
      form.current?.querySelector<HTMLElement>('input, select, textarea')?.focus({ preventScroll: true });
    }
  }, [command.name, fill?.nonce]);

  const submit = (event: Event) => {
    event.preventDefault();
    const { value, errors: found } = readForm(schema, draft);
    setErrors(found);
    if (Object.keys(found).length > 0) {
      const form = event.currentTarget as HTMLFormElement;
      requestAnimationFrame(() => form.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
      return;
    }
    onRun(value);
  };

  const kind = fieldKind(schema);
  const whole = kind !== 'object' && kind !== 'union';
  const empty = kind === 'object' && Object.keys(schema.properties ?? {}).length === 0;
  const fieldProps = { schema, name: command.name, path: '', value: draft, onChange: setDraft, errors, required: true };
  const fields = whole ? (
    <Field {...fieldProps} name="arguments (JSON)" />
  ) : kind === 'union' ? (
    <UnionFields {...fieldProps} />
  ) : (
    <ObjectFields {...fieldProps} />
  );

  return (
    <form class="command-form" ref={form} onSubmit={submit} noValidate aria-label={`${command.name} arguments`}>
      <p class="about">{command.describe}</p>
      {note && <p class="hint">{note}</p>}
      {empty ? <p class="hint">No arguments.</p> : fields}
      {errors[''] && !whole && <p class="error">{errors['']}</p>}
      <button type="submit" disabled={busy}>
        Run {command.name}
      </button>
    </form>
  );
}
