// Throws from a timer, outside any promise the runtime awaits.
export const handler = () =>
  new Promise(() => {
    setTimeout(() => {
      throw new TypeError('thrown from a timer');
    }, 10);
  });
