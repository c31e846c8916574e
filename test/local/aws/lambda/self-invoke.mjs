// Invokes another function asynchronously with an SDK client configured only by the
// environment (region, key pair and AWS_ENDPOINT_URL), as aws-exec's backend starts a job.
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';

const client = new LambdaClient({});

export const handler = async (event) => {
  const response = await client.send(
    new InvokeCommand({ FunctionName: event.target, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify(event.payload)) }),
  );
  return { statusCode: response.StatusCode, requestId: response.$metadata.requestId };
};
