import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeAws {
  /** For AWS_ENDPOINT_URL. */
  url: string;
  /** Each request: the operation, and whether it was signed with the given access key. */
  calls: { operation: string; signedBy: string | undefined }[];
  close(): Promise<void>;
}

const xml = (operation: string, result: string) =>
  `<${operation}Response><${operation}Result>${result}</${operation}Result><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></${operation}Response>`;

/** Answers of the JSON protocols (X-Amz-Target), by operation; other operations are unknown. */
const JSON_ANSWERS: Record<string, (url: string) => object> = {
  'DynamoDB_20120810.Query': () => ({ Items: [], Count: 0 }),
  'DynamoDB_20120810.GetItem': () => ({}),
  'DynamoDB_20120810.PutItem': () => ({}),
  'DynamoDB_20120810.UpdateItem': () => ({}),
  'CloudTrail_20131101.LookupEvents': () => ({ Events: [] }),
  'CloudTrail_20131101.DescribeTrails': () => ({ trailList: [] }),
  'secretsmanager.GetSecretValue': (url) => ({ Name: 'slack', SecretString: `${url}/slack-webhook` }),
};

/** Answers of the query protocol (Action=…); other operations are NoSuchEntity, as IAM says. */
const QUERY_ANSWERS: Record<string, string> = {
  Publish: xml('Publish', '<MessageId>message-1</MessageId>'),
  GetCallerIdentity: xml(
    'GetCallerIdentity',
    '<Account>111122223333</Account><Arn>arn:aws:iam::111122223333:user/ci</Arn><UserId>U</UserId>',
  ),
};

/**
 * A local endpoint for every AWS service a function calls (through AWS_ENDPOINT_URL), with empty
 * answers, and a Slack webhook at /slack-webhook: enough for each handler to run to its end.
 */
export async function startFakeAws(): Promise<FakeAws> {
  const calls: FakeAws['calls'] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    request.on('end', () => {
      const target = request.headers['x-amz-target'];
      const operation =
        typeof target === 'string' ? target : (/Action=(\w+)/.exec(body)?.[1] ?? request.url ?? '');
      const signedBy = /Credential=(\w+)\//.exec(request.headers.authorization ?? '')?.[1];
      calls.push({ operation, signedBy });
      if (request.url === '/slack-webhook') {
        response.end('ok');
      } else if (typeof target === 'string') {
        const answer = JSON_ANSWERS[target];
        response.statusCode = answer ? 200 : 400;
        response.setHeader('content-type', 'application/x-amz-json-1.1');
        response.end(JSON.stringify(answer ? answer(url) : { __type: 'UnknownOperationException' }));
      } else {
        const answer = QUERY_ANSWERS[operation];
        response.statusCode = answer ? 200 : 404;
        response.setHeader('content-type', 'text/xml');
        response.end(
          answer ??
            '<ErrorResponse><Error><Type>Sender</Type><Code>NoSuchEntity</Code><Message>not in the fake</Message></Error><RequestId>r</RequestId></ErrorResponse>',
        );
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, calls, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
