import * as z from 'zod/mini';

// zod/mini leaves its default messages to a locale it does not load by itself; classic zod
// loads English when it builds its first schema. Without a locale every default message
// would read "Invalid input", so which messages the API and the SDK give would depend on
// whether classic zod happened to be loaded too.

/** Sets zod's English messages ("Too small: expected number to be >=0") unless a locale is set already. */
export function ensureEnglishMessages(): void {
  if (z.config().localeError === undefined) z.config(z.locales.en());
}
