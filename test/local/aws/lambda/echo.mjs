// Returns its event with facts about the environment; a module-level counter shows warm reuse.
let invocations = 0;

export const handler = async (event, context) => {
  invocations += 1;
  return {
    event,
    pid: process.pid,
    invocations,
    remainingMs: context.getRemainingTimeInMillis(),
    context: {
      functionName: context.functionName,
      functionVersion: context.functionVersion,
      invokedFunctionArn: context.invokedFunctionArn,
      memoryLimitInMB: context.memoryLimitInMB,
      awsRequestId: context.awsRequestId,
      logGroupName: context.logGroupName,
      logStreamName: context.logStreamName,
      callbackWaitsForEmptyEventLoop: context.callbackWaitsForEmptyEventLoop,
      clientContext: context.clientContext,
    },
    env: { ...process.env },
    cwd: process.cwd(),
  };
};
