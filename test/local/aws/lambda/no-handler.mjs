// Exports no `handler`.
export const other = () => 'nope';
