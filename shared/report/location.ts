/** Where a month's report files live, in the report bucket and under the CLI's --out directory alike. */
export function reportKey(
  account: string,
  month: string,
  file: 'report.html' | 'report.json' | 'report.md',
): string {
  return `${account}/${month}/${file}`;
}
