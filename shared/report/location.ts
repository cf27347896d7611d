/** An AWS account id: exactly twelve digits. */
export const isAccountId = (text: string) => /^\d{12}$/.test(text);

export class AccountIdError extends Error {}

/**
 * Where a month's report files live, in the report bucket and under the CLI's --out directory alike.
 * The account comes from records and state files, so anything but twelve digits (`../../x`) is refused
 * here, the one place it becomes a path.
 */
export function reportKey(
  account: string,
  month: string,
  file: 'report.html' | 'report.json' | 'report.md',
): string {
  if (!isAccountId(account)) {
    throw new AccountIdError(`${JSON.stringify(account)} is not an AWS account id (12 digits)`);
  }
  return `${account}/${month}/${file}`;
}
