import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { join } from 'node:path';

export const MOTO_INSTALL_HINT = 'pip install "moto[server]"';

export function motoInstalled(): boolean {
  return spawnSync('python3', ['-c', 'import moto.server'], { stdio: 'ignore' }).status === 0;
}

export interface Moto {
  endpoint: string;
  stop(): Promise<void>;
}

/**
 * moto's server on a free loopback port, one request at a time (see moto_serial_server.py), ready
 * when this resolves. AWS-managed policies are loaded so that roles can have AdministratorAccess
 * attached as in a real account.
 */
export async function startMoto(): Promise<Moto> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn(
    'python3',
    [join(import.meta.dirname, 'moto_serial_server.py'), '127.0.0.1', String(port)],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, MOTO_IAM_LOAD_MANAGED_POLICIES: 'true' },
    },
  );
  // A crash of the process that started moto must not leave it running.
  const killChild = () => child.kill();
  process.once('exit', killChild);
  // moto logs every request to stderr: keep reading it (a full pipe would block the server), and
  // keep the end of it for the error message if moto does not come up.
  let tail = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-2000);
  });
  try {
    await waitUntilAnswering(endpoint, child, 30_000);
  } catch (error) {
    child.kill();
    throw new Error(`moto did not start on ${endpoint}: ${(error as Error).message}\n${tail}`);
  }
  return {
    endpoint,
    stop: async () => {
      process.off('exit', killChild);
      if (child.exitCode !== null) return;
      child.kill();
      await once(child, 'exit');
    },
  };
}

async function waitUntilAnswering(endpoint: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`it exited with code ${child.exitCode}`);
    try {
      const answer = await fetch(`${endpoint}/moto-api/`);
      if (answer.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no answer within ${timeoutMs / 1000} s`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });
}
