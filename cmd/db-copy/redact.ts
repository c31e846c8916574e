/** Replaces every secret (passwords, the mask key) in a text with `***`. */
export type Redactor = (text: string) => string;

const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*):([^@/?#\s]*)@/gi;

/**
 * Builds a redactor for these secrets: each is replaced in its raw and URL-encoded
 * forms, and any `scheme://user:password@` still left has its password replaced too.
 */
export function createRedactor(secrets: readonly (string | undefined)[]): Redactor {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (!secret) continue;
    forms.add(secret);
    forms.add(encodeURIComponent(secret));
  }
  // Longest first, so a secret that contains another is replaced whole.
  const ordered = [...forms].sort((a, b) => b.length - a.length);
  return (text) => {
    let result = text.replace(URL_PASSWORD, '$1:***@');
    for (const form of ordered) result = result.split(form).join('***');
    return result;
  };
}
