import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CLI, ROOT, type Run } from '../cli/run.js';

/**
 * A loopback stand-in for GitHub's REST API, answering as api.github.com does (hand-written from
 * GitHub's REST reference and its OpenAPI description): JSON bodies of the documented shapes, the
 * x-ratelimit-* headers on every answer, `{"message":"Not Found",…}` with 404 for anything unknown.
 */
export interface Answer {
  status?: number;
  body: unknown;
  headers?: Record<string, string>;
  /** Answered only to a request with a token, as the OIDC customization endpoints are: 401 otherwise. */
  authenticated?: true;
}

const REQUIRES_AUTHENTICATION: Answer = {
  status: 401,
  body: { message: 'Requires authentication', documentation_url: 'https://docs.github.com/rest' },
};

export interface FakeGitHub {
  url: string;
  /** Every request: method, path, and the Authorization header GitHub would see. */
  requests: { method: string; path: string; authorization?: string }[];
  /** Requests left in this hour; once at 0 every answer is GitHub's rate-limit 403. */
  remaining: number;
  close(): Promise<void>;
}

export const NOT_FOUND = {
  message: 'Not Found',
  documentation_url: 'https://docs.github.com/rest',
  status: '404',
};

/** The reset time the fake announces: a fixed instant, so that messages can be checked exactly. */
export const RATE_LIMIT_RESET = 1_796_630_400; // 2026-12-07T08:00:00Z

export async function fakeGitHub(routes: Record<string, Answer>, remaining = 60): Promise<FakeGitHub> {
  const fake: FakeGitHub = {
    url: '',
    requests: [],
    remaining,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((request: IncomingMessage, response) => {
    const path = request.url ?? '/';
    fake.requests.push({
      method: request.method ?? 'GET',
      path,
      ...(request.headers.authorization ? { authorization: request.headers.authorization } : {}),
    });
    const limit = request.headers.authorization ? 5000 : 60;
    const exhausted = fake.remaining === 0;
    if (!exhausted) fake.remaining -= 1;
    const answer: Answer = exhausted
      ? {
          status: 403,
          body: {
            message: `API rate limit exceeded for 127.0.0.1. (But here's the good news: Authenticated requests get a higher rate limit. Check out the documentation for more details.)`,
            documentation_url:
              'https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting',
          },
        }
      : (routes[`${request.method} ${path}`] ?? { status: 404, body: NOT_FOUND });
    const answered =
      answer.authenticated && !request.headers.authorization ? REQUIRES_AUTHENTICATION : answer;
    response.writeHead(answered.status ?? 200, {
      'content-type': 'application/json; charset=utf-8',
      'x-ratelimit-limit': String(limit),
      'x-ratelimit-remaining': String(fake.remaining),
      'x-ratelimit-reset': String(RATE_LIMIT_RESET),
      'x-ratelimit-used': String(limit - fake.remaining),
      'x-ratelimit-resource': 'core',
      'x-github-api-version-selected': '2022-11-28',
      ...answered.headers,
    });
    response.end(JSON.stringify(answered.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}

/**
 * The built CLI run as a child process without blocking this one (the fake answers from this
 * process's event loop). GITHUB_TOKEN and GITHUB_API_URL come only from `env`.
 */
export function trustwatchAsync(
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<Run> {
  const env = { ...process.env };
  delete env.GITHUB_TOKEN;
  delete env.GITHUB_API_URL;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: options.cwd ?? ROOT,
      env: { ...env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
