// Answers with a string of event.bytes characters.
export const handler = async (event) => 'x'.repeat(event.bytes);
