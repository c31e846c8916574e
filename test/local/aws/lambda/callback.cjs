/* global exports */
// A CommonJS, callback-style handler that leaves a timer behind after calling back.
let calls = 0;

exports.handler = (event, context, callback) => {
  calls += 1;
  const started = Date.now();
  context.callbackWaitsForEmptyEventLoop = event.wait !== false;
  setTimeout(() => {
    calls += 100;
  }, event.lingerMs ?? 300);
  if (event.fail) callback(new Error('callback failure'));
  else callback(null, { calls, started });
};
