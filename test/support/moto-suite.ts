import { randomInt } from 'node:crypto';
import { describe, inject } from 'vitest';
import { type AwsClients, createClients } from '../../shared/inventory/clients.js';
import { MOTO_INSTALL_HINT } from './moto.js';

const endpoint = inject('motoEndpoint');

/** A describe that runs against moto, or is skipped, saying what to install. */
export const describeMoto = (name: string, body: () => void) =>
  endpoint ? describe(name, body) : describe.skip(`${name} (needs moto: ${MOTO_INSTALL_HINT})`, body);

/**
 * Real SDK clients on moto, in an account of their own (moto's `x-moto-account-id` header): tests
 * and test files running in parallel never see each other's roles, and nothing needs resetting.
 */
export function motoClients(): AwsClients & { account: string } {
  const account = String(randomInt(100_000_000_000, 999_999_999_999));
  const clients = createClients({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
  for (const client of [clients.iam, clients.sts]) {
    // Both stacks take the same middleware: it only touches the HTTP request.
    (client as typeof clients.iam).middlewareStack.add(
      (next) => (args) => {
        (args.request as { headers: Record<string, string> }).headers['x-moto-account-id'] = account;
        return next(args);
      },
      { step: 'build', name: 'motoAccount' },
    );
  }
  return { ...clients, account };
}
