import { childPath, createDraft, type Draft, type FieldErrors } from './draft.js';
import { asSchema, branchFields, describeUnion, enumValues, fieldKind, unwrapNullable, type JsonSchema, type Union } from './schema.js';

/** One argument's field (recursive for objects and arrays), with its description and message. */
export interface FieldProps {
  schema: JsonSchema;
  name: string;
  path: string;
  value: Draft;
  onChange: (value: Draft) => void;
  errors: FieldErrors;
  required: boolean;
}

/** Draws the field its schema calls for; anything the form cannot draw well is a JSON text area. */
export function Field(props: FieldProps) {
  const { name, path, value, onChange, errors, required } = props;
  const schema = unwrapNullable(props.schema);
  const kind = fieldKind(schema);
  const id = `arg-${path}`;
  const error = errors[path];
  const describedBy = [schema.description && `${id}-about`, error && `${id}-error`].filter(Boolean).join(' ') || undefined;
  const common = { id, 'aria-invalid': error ? true : undefined, 'aria-describedby': describedBy };
  const label = (
    <label for={id}>
      {schema.title ?? name}
      {required && <span aria-label="required"> *</span>}
      {schema.default !== undefined && kind !== 'boolean' && <small> (default {JSON.stringify(schema.default)})</small>}
    </label>
  );
  const notes = (
    <>
      {schema.description && (
        <small class="about" id={`${id}-about`}>
          {schema.description}
        </small>
      )}
      {error && (
        <small class="error" id={`${id}-error`}>
          {error}
        </small>
      )}
    </>
  );

  if (kind === 'object' || kind === 'array' || kind === 'union') {
    const group =
      kind === 'object' ? <ObjectFields {...props} schema={schema} /> : kind === 'union' ? <UnionFields {...props} schema={schema} /> : <ArrayItems {...props} schema={schema} />;
    return (
      <fieldset class="group" aria-invalid={error ? true : undefined} aria-describedby={describedBy}>
        <legend>
          {schema.title ?? name}
          {required && <span aria-label="required"> *</span>}
        </legend>
        {notes}
        {group}
      </fieldset>
    );
  }
  if (kind === 'boolean') {
    return (
      <div class="field check">
        <input type="checkbox" {...common} checked={value === true} onChange={(event) => onChange(event.currentTarget.checked)} />
        {label}
        {notes}
      </div>
    );
  }
  let control;
  const text = typeof value === 'string' ? value : '';
  if (kind === 'enum') {
    const options = enumValues(schema);
    control = (
      <select {...common} value={text} onChange={(event) => onChange(event.currentTarget.value)}>
        {(!required || schema.default === undefined) && <option value="">—</option>}
        {options.map((option, index) => (
          <option value={String(index)}>{String(option)}</option>
        ))}
      </select>
    );
  } else if (kind === 'json') {
    control = <textarea {...common} class="json" rows={3} value={text} placeholder="JSON" spellcheck={false} onInput={(event) => onChange(event.currentTarget.value)} />;
  } else {
    const numeric = kind === 'number' || kind === 'integer';
    const inputMode = numeric ? (kind === 'integer' ? 'numeric' : 'decimal') : schema.format === 'uri' ? 'url' : undefined;
    control = <input {...common} type="text" inputMode={inputMode} value={text} spellcheck={false} autocapitalize="off" onInput={(event) => onChange(event.currentTarget.value)} />;
  }
  return (
    <div class="field">
      {label}
      {control}
      {notes}
    </div>
  );
}

/** The fields of an object schema, each drawn by its own schema. */
export function ObjectFields({ schema, path, value, onChange, errors }: FieldProps) {
  const fields = typeof value === 'object' && !Array.isArray(value) ? value : {};
  return (
    <>
      {Object.entries(schema.properties ?? {}).map(([key, child]) => (
        <Field
          key={key}
          schema={asSchema(child)}
          name={key}
          path={childPath(path, key)}
          value={fields[key] ?? ''}
          onChange={(next) => onChange({ ...fields, [key]: next })}
          errors={errors}
          required={schema.required?.includes(key) ?? false}
        />
      ))}
    </>
  );
}

/**
 * A discriminated union: the choice of branch (e.g. db-copy's `mode`, a mask rule's
 * `rule`) as a select, with the chosen branch's description under it, then that branch's
 * own fields only, required as that branch requires them.
 */
export function UnionFields(props: FieldProps) {
  const { schema, path, value, onChange, errors } = props;
  const union = describeUnion(schema) as Union;
  const fields = typeof value === 'object' && !Array.isArray(value) ? value : {};
  const chosen = typeof fields[union.key] === 'string' ? (fields[union.key] as string) : '';
  const branch = chosen === '' ? undefined : branchFields(union, Number(chosen));
  const keyPath = childPath(path, union.key);
  const id = `arg-${keyPath}`;
  const error = errors[keyPath];
  const about = branch?.description;
  const describedBy = [about && `${id}-about`, error && `${id}-error`].filter(Boolean).join(' ') || undefined;
  return (
    <>
      <div class="field">
        <label for={id}>
          {union.key}
          <span aria-label="required"> *</span>
        </label>
        <select id={id} value={chosen} aria-invalid={error ? true : undefined} aria-describedby={describedBy} onChange={(event) => onChange({ ...fields, [union.key]: event.currentTarget.value })}>
          {union.defaultIndex < 0 && <option value="">—</option>}
          {union.values.map((option, index) => (
            <option value={String(index)}>{String(option)}</option>
          ))}
        </select>
        {about && (
          <small class="about" id={`${id}-about`}>
            {about}
          </small>
        )}
        {error && (
          <small class="error" id={`${id}-error`}>
            {error}
          </small>
        )}
      </div>
      {branch && <ObjectFields {...props} schema={branch} />}
    </>
  );
}

function ArrayItems({ schema, name, path, value, onChange, errors }: FieldProps) {
  const items = Array.isArray(value) ? value : [];
  const itemSchema = asSchema(schema.items);
  return (
    <>
      {items.map((item, index) => (
        <div class="item" key={index}>
          <Field
            schema={itemSchema}
            name={`${name} ${index + 1}`}
            path={childPath(path, index)}
            value={item}
            onChange={(next) => onChange(items.map((old, at) => (at === index ? next : old)))}
            errors={errors}
            required={true}
          />
          <button type="button" class="quiet" aria-label={`Remove ${name} ${index + 1}`} onClick={() => onChange(items.filter((_, at) => at !== index))}>
            Remove
          </button>
        </div>
      ))}
      <button type="button" class="quiet" onClick={() => onChange([...items, createDraft(itemSchema, undefined)])}>
        Add {name}
      </button>
    </>
  );
}
