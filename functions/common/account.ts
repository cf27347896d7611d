import type { Context } from 'aws-lambda';

/** The account the function runs in, from its own ARN: no call needed. */
export function accountOf(context: Pick<Context, 'invokedFunctionArn'>): string {
  return context.invokedFunctionArn.split(':')[4] ?? '';
}
