import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeAnswer {
  status?: number;
  /** An IAM Query API XML document. */
  body: string;
}

export interface FakeIam {
  endpoint: string;
  /** The Action of every request received, in order, retries included. */
  actions: string[];
  close(): Promise<void>;
}

/**
 * A loopback HTTP server speaking IAM's Query protocol with canned XML, for the real SDK client
 * (signing, retries, XML parsing) against answers moto cannot give: AWS's published samples,
 * throttling.
 */
export async function startFakeIam(
  answer: (action: string, params: URLSearchParams) => FakeAnswer,
): Promise<FakeIam> {
  const actions: string[] = [];
  const server = createServer(async (request, response) => {
    let body = '';
    for await (const chunk of request) body += chunk;
    const params = new URLSearchParams(body);
    const action = params.get('Action') ?? '';
    actions.push(action);
    const { status = 200, body: xml } = answer(action, params);
    response.writeHead(status, { 'content-type': 'text/xml' });
    response.end(xml);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    actions,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export function iamError(code: string, message: string, status = 400): FakeAnswer {
  return {
    status,
    body: `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>fake</RequestId></ErrorResponse>`,
  };
}
