import { useEffect, useState } from 'preact/hooks';
import type { CommandInfo } from '../../../client/index.js';
import { createDraft, readForm, type Draft, type FieldErrors } from './draft.js';
import { Field } from './field.js';
import { asSchema, fieldKind } from './schema.js';

/** A registered command's form, generated from its argument JSON Schema and checked before it is sent. */
export function CommandForm({ command, busy, onRun }: { command: CommandInfo; busy: boolean; onRun: (args: unknown) => void }) {
  const schema = asSchema(command.args);
  const [draft, setDraft] = useState<Draft>(() => createDraft(schema));
  const [errors, setErrors] = useState<FieldErrors>({});
  useEffect(() => {
    setDraft(createDraft(schema));
    setErrors({});
  }, [command.name]);

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

  const whole = fieldKind(schema) !== 'object';
  const fields =
    typeof draft === 'object' && !Array.isArray(draft) && !whole
      ? Object.entries(schema.properties ?? {}).map(([key, child]) => (
          <Field
            key={key}
            schema={asSchema(child)}
            name={key}
            path={key}
            value={draft[key] ?? ''}
            onChange={(next) => setDraft({ ...draft, [key]: next })}
            errors={errors}
            required={schema.required?.includes(key) ?? false}
          />
        ))
      : [<Field key="" schema={schema} name="arguments (JSON)" path="" value={draft} onChange={setDraft} errors={errors} required={true} />];

  return (
    <form class="command-form" onSubmit={submit} noValidate aria-label={`${command.name} arguments`}>
      <p class="about">{command.describe}</p>
      {fields.length > 0 ? fields : <p class="hint">No arguments.</p>}
      {errors[''] && !whole && <p class="error">{errors['']}</p>}
      <button type="submit" disabled={busy}>
        Run {command.name}
      </button>
    </form>
  );
}
